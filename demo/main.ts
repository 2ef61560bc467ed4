/**
 * The demo page: reads the experiment from the URL, trains it in the simulation worker, and draws
 * what comes back. Every change of the form or the view is written back to the URL.
 */
import './styles.css';
import type { Config } from '../src/config/types.js';
import { ConfigError } from '../src/errors.js';
import { PRESETS, findPreset } from '../src/presets/index.js';
import { SimClient, WorkerError } from '../src/worker/client.js';
import type { LoadedInfo, Reply } from '../src/worker/protocol.js';
import { TrajectoryView } from '../src/view/trajectories.js';
import { formatDuration, formatRate } from '../src/display/format.js';
import { configEdits, formatUrlState, parseUrlState, resolveState, type UrlState } from './url-state.js';
import { ConfigForm, type FormChange } from './form.js';
import { Dashboard, type ViewChoice } from './dashboard.js';
import { NO_WEBGPU, SOFTWARE_ADAPTER, clearNotice, showFatal, showNotice } from './notices.js';
import { downloadText } from './download.js';
import { showResultPanel } from './result-panel.js';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

function presetConfig(name: string): Config {
  const preset = name ? findPreset(name) : PRESETS[0];
  if (!preset)
    throw new ConfigError('preset', name, `unknown preset; choose one of ${PRESETS.map((p) => p.name).join(', ')}`);
  return preset.config;
}

/** What the page adds for drawing: the end-to-end matrices for the heatmaps, when they are small. */
function withDisplayRecords(config: Config): Config {
  const target = config.task.target;
  const entries =
    'matrix' in target ? target.matrix.length * (target.matrix[0]?.length ?? 0) : target.rows * target.cols;
  if (config.record.matrices !== undefined || entries > 4096) return config;
  return { ...config, record: { ...config.record, matrices: true } };
}

class Demo {
  private readonly client = new SimClient((reply) => this.receive(reply));
  private readonly form: ConfigForm;
  private dashboard: Dashboard | null = null;
  private config: Config;
  private running = false;
  private totalSteps = 0;

  constructor(
    private state: UrlState,
    private base: Config,
    private readonly view3d: TrajectoryView | null,
  ) {
    this.config = resolveState(state, presetConfig);
    this.form = new ConfigForm($('#config-form'), PRESETS, (change) => this.formChanged(change));
    $('#play').addEventListener('click', () => this.toggle());
    $('#step').addEventListener('click', () => this.step());
    $('#reset').addEventListener('click', () => void this.load());
    $('#copy-link').addEventListener('click', () => void this.copyLink());
    $('#export-summary').addEventListener('click', () => void this.export('summary'));
    $('#export-trace').addEventListener('click', () => void this.export('trace'));
    $('#apply-json').addEventListener('click', () => this.applyJson());
  }

  /** Builds the networks of the current config (stopping any training) and shows them. */
  async load(): Promise<void> {
    this.dashboard?.destroy();
    this.dashboard = null;
    $('#panel-result').hidden = true;
    this.running = false;
    this.form.show(this.config, this.state.config ? undefined : (this.state.preset ?? PRESETS[0]?.name));
    $<HTMLTextAreaElement>('#config-json').value = JSON.stringify(this.config, null, 2);
    this.writeUrl();
    this.setState('loading');
    this.setButtons(false);
    $('#status-path').textContent = '';
    clearNotice('error');
    let info: LoadedInfo;
    try {
      info = await this.client.load(withDisplayRecords(this.config));
    } catch (error) {
      this.fail(error);
      return;
    }
    this.showAdapter(info);
    this.showPath(info.batches.map((b) => b.kernel));
    this.totalSteps = Math.max(...info.runs.map((r) => r.config.train.steps));
    this.progress(0, 0, 0, Infinity);
    this.dashboard = new Dashboard(
      info,
      this.view3d,
      { showRun: this.state.showRun, sweepX: this.state.sweepX },
      (view) => this.viewChanged(view),
    );
    this.setState('ready');
    this.setButtons(true);
    if (this.state.autoplay) this.start();
  }

  private receive(reply: Reply): void {
    switch (reply.type) {
      case 'record':
        this.dashboard?.add(reply.batch, reply.record);
        return;
      case 'progress':
        this.progress(
          reply.progress.step,
          reply.progress.fraction,
          reply.progress.networkStepsPerSecond,
          reply.progress.etaSeconds,
        );
        return;
      case 'stopped':
        this.running = false;
        this.dashboard?.flush();
        this.setState(reply.stopped.reason === 'done' ? 'done' : 'paused');
        this.progress(
          Math.min(...reply.stopped.steps),
          reply.stopped.reason === 'done' ? 1 : undefined,
          reply.stopped.networkStepsPerSecond,
          0,
        );
        if (reply.stopped.reason === 'done') void this.showResult();
        return;
      case 'device-lost':
        showNotice(
          'device',
          'warn',
          'The GPU device was lost',
          `${reply.message} Rebuilding the networks on a new device from their last recorded state…`,
        );
        return;
      case 'recovered':
        showNotice(
          'device',
          'info',
          'Recovered from a lost GPU device',
          `The networks were rebuilt on ${reply.adapter.name} and resume from step ${Math.min(...reply.steps)}.`,
        );
        this.showPath(reply.kernels);
        return;
      case 'error':
        this.fail(new WorkerError(reply.error));
        return;
      case 'loaded':
      case 'exported':
        return;
    }
  }

  private start(): void {
    if (!this.dashboard || this.running) return;
    this.running = true;
    this.setState('training');
    this.client.run();
  }

  private toggle(): void {
    if (this.running) this.client.pause();
    else this.start();
  }

  private step(): void {
    if (!this.dashboard || this.running) return;
    this.running = true;
    this.setState('training');
    this.client.run(this.config.record.every);
  }

  private formChanged(change: FormChange): void {
    if (change.kind === 'preset') {
      this.state = { edits: [], autoplay: this.state.autoplay, preset: change.name };
      this.base = presetConfig(change.name);
      this.config = this.base;
    } else {
      this.config = change.config;
    }
    void this.load();
  }

  private applyJson(): void {
    try {
      const config = JSON.parse($<HTMLTextAreaElement>('#config-json').value) as Config;
      this.config = resolveState({ config, edits: [], autoplay: false }, presetConfig);
      this.state = { edits: [], autoplay: this.state.autoplay, config: this.config };
      this.base = this.config;
      void this.load();
    } catch (error) {
      this.fail(error);
    }
  }

  private viewChanged(view: ViewChoice): void {
    this.state = { ...this.state, showRun: view.showRun, sweepX: view.sweepX };
    this.writeUrl();
  }

  private writeUrl(): void {
    this.state = { ...this.state, edits: configEdits(this.base, this.config) };
    history.replaceState(null, '', `${location.pathname}${formatUrlState(this.state)}`);
  }

  private async copyLink(): Promise<void> {
    const button = $('#copy-link');
    try {
      await navigator.clipboard.writeText(location.href);
      button.textContent = 'Link copied ✓';
    } catch {
      // Clipboard access can be refused (permissions, insecure context): show the link instead.
      window.prompt('Copy this link:', location.href);
    }
    button.dataset.link = location.href;
    setTimeout(() => (button.textContent = 'Copy link'), 1800);
  }

  /** An unedited preset that ran to the end: its verdict and its figure, as report.html shows them. */
  private async showResult(): Promise<void> {
    const preset = this.unedited() ? (this.state.preset ?? PRESETS[0]?.name) : undefined;
    const panel = $('#panel-result');
    if (!preset) {
      panel.hidden = true;
      return;
    }
    try {
      const files = await this.client.exportResults(preset);
      showResultPanel(preset, files);
    } catch (error) {
      this.fail(error);
    }
  }

  private unedited(): boolean {
    return !this.state.config && this.state.edits.length === 0;
  }

  private async export(which: 'summary' | 'trace'): Promise<void> {
    try {
      const files = await this.client.exportResults(
        this.unedited() ? (this.state.preset ?? PRESETS[0]?.name) : undefined,
      );
      if (which === 'summary') downloadText('summary.json', files.summaryJson, 'application/json');
      else downloadText('trace.csv', files.traceCsv, 'text/csv');
    } catch (error) {
      this.fail(error);
    }
  }

  private showAdapter(info: LoadedInfo): void {
    const badge = $('#adapter');
    badge.textContent = info.adapter.name;
    badge.className = `adapter ${info.adapter.isFallbackAdapter ? 'software' : 'hardware'}`;
    badge.title = info.adapter.isFallbackAdapter ? 'software WebGPU adapter' : 'hardware WebGPU adapter';
    if (info.adapter.isFallbackAdapter) showNotice('fallback', 'warn', 'Running on a software GPU', SOFTWARE_ADAPTER);
    else clearNotice('fallback');
  }

  /** The step path of every batch, as the engine chose it: a sweep of shapes may run both kernels. */
  private showPath(kernels: readonly string[]): void {
    const paths = [...new Set(kernels)];
    $('#status-path').textContent = `${paths.join(' + ')} ${paths.length > 1 ? 'steps' : 'step'}`;
  }

  private fail(error: unknown): void {
    this.running = false;
    this.setState('error');
    const field = error instanceof WorkerError || error instanceof ConfigError ? error.field : undefined;
    const message = error instanceof Error ? error.message : String(error);
    showNotice('error', 'error', field ? `Config error in ${field}` : 'Something went wrong', message);
    this.setButtons(this.dashboard !== null);
  }

  private setState(state: 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'error'): void {
    const label = $('#status-state');
    label.textContent = state;
    label.dataset.state = state;
    document.body.dataset.state = state;
    const play = $('#play');
    play.textContent =
      state === 'training' ? 'Pause' : state === 'paused' ? 'Resume' : state === 'done' ? 'Continue' : 'Start';
    play.classList.toggle('running', state === 'training');
  }

  private setButtons(enabled: boolean): void {
    for (const id of ['#play', '#step', '#reset', '#export-summary', '#export-trace'])
      $<HTMLButtonElement>(id).disabled = !enabled;
  }

  /** `fraction` undefined keeps the bar where it is (a pause). */
  private progress(step: number, fraction: number | undefined, rate: number, eta: number): void {
    $('#status-step').textContent = String(step);
    $('#status-total').textContent = String(this.totalSteps);
    $('#status-rate').textContent = rate > 0 ? `${formatRate(rate)} network-steps/s` : '';
    $('#status-eta').textContent = this.running && Number.isFinite(eta) && eta > 0 ? `ETA ${formatDuration(eta)}` : '';
    if (fraction !== undefined) $('#progress-bar').style.width = `${(100 * Math.min(1, fraction)).toFixed(1)}%`;
  }

  /** For trying recovery from the console: `dlnsimDemo.loseDevice()`. */
  loseDevice(): void {
    this.client.loseDevice();
  }
}

async function main(): Promise<void> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    showFatal('WebGPU is not available in this browser', NO_WEBGPU);
    return;
  }
  let state: UrlState;
  let base: Config;
  try {
    state = parseUrlState(location.search);
    base = state.config ?? presetConfig(state.preset ?? '');
    resolveState(state, presetConfig);
  } catch (error) {
    const text = (error instanceof Error ? error.message : String(error)).replace(/&/g, '&amp;').replace(/</g, '&lt;');
    showFatal(
      'This link holds a config that dlnsim cannot run',
      `<p><code>${text}</code></p><p>Fix the address, or <a href="${location.pathname}">start from the default experiment</a>. docs/config.md lists every field.</p>`,
    );
    return;
  }
  let view3d: TrajectoryView | null = null;
  try {
    view3d = await TrajectoryView.create($('#view3d'), $('#labels3d'));
  } catch (error) {
    const message = document.createElement('div');
    message.className = 'unavailable';
    message.textContent = `The 3D view could not start: ${error instanceof Error ? error.message : String(error)}`;
    $('.view3d').append(message);
  }
  const demo = new Demo(state, base, view3d);
  Object.assign(window, { dlnsimDemo: demo });
  await demo.load();
}

void main();
