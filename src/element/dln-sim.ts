/**
 * <dln-sim>: one simulation in a page, with its own worker and GPU device, a loss plot and a
 * singular-value plot. Configured by attributes (see attributes.ts); any change of them rebuilds
 * the networks. Pauses while scrolled out of view and resumes when back; releases the GPU when
 * removed from the document.
 *
 *   <dln-sim preset="saddle-to-saddle" depth="4" steps="3000" autoplay></dln-sim>
 */
import type { Config } from '../config/types.js';
import { SimClient } from '../worker/client.js';
import { type ErrorInfo, type ExportedFiles, type LoadedInfo, type Reply, errorInfo } from '../worker/protocol.js';
import { History } from '../view/history.js';
import { TimePlot } from '../view/time-plots.js';
import { saddleGuides, singularValueGuides, targetSpectrum } from '../view/references.js';
import { formatNumber, formatRate } from '../display/format.js';
import { CONFIG_ATTRIBUTES, configFromAttributes } from './attributes.js';
import type { DlnSimEventMap } from './events.js';
import { ELEMENT_CSS } from './styles.js';
import { DlnsimError } from '../errors.js';

export type DlnSimState = 'idle' | 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'error';

const TEMPLATE = `
<header><span class="title"></span><span class="state" part="state"></span>
  <button class="play" type="button" disabled>Start</button><button class="reset" type="button" disabled>Reset</button></header>
<div class="progress"><div></div></div>
<div class="message" role="alert" hidden></div>
<div class="plots">
  <div><div class="plot-title">loss</div><div class="plot" data-plot="loss"></div></div>
  <div><div class="plot-title">singular values</div><div class="plot" data-plot="singular"></div></div>
</div>
<div class="figures" part="figures" hidden></div>
<footer><span>step <b class="step">0</b> / <span class="total">0</span></span><span>loss <b class="loss">—</b></span><span class="rate"></span><span class="adapter"></span></footer>`;

// The interface of the same name below only adds typed addEventListener overloads (the DOM's own
// pattern for HTMLElement subclasses); it declares no members the class would have to initialise.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class DlnSimElement extends HTMLElement {
  static readonly observedAttributes = [...CONFIG_ATTRIBUTES, 'autoplay'];

  private client: SimClient | null = null;
  private history: History | null = null;
  private plots: TimePlot[] = [];
  private observer: IntersectionObserver | null = null;
  private visible = true;
  private resumeWhenVisible = false;
  private reloadQueued = false;
  private drawQueued = false;
  private currentState: DlnSimState = 'idle';
  private currentConfig: Config | null = null;
  private generation = 0;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = ELEMENT_CSS;
    const template = document.createElement('template');
    template.innerHTML = TEMPLATE;
    root.append(style, template.content);
    this.find('.play').addEventListener('click', () => (this.currentState === 'training' ? this.pause() : this.play()));
    this.find('.reset').addEventListener('click', () => this.reload());
  }

  /** The validated config of the networks shown (null before the first load or after an error). */
  get config(): Config | null {
    return this.currentConfig;
  }

  get state(): DlnSimState {
    return this.currentState;
  }

  /** What has been recorded so far, per network. */
  get recorded(): History | null {
    return this.history;
  }

  connectedCallback(): void {
    this.observer = new IntersectionObserver((entries) =>
      this.visibilityChanged(entries[entries.length - 1]!.isIntersecting),
    );
    this.observer.observe(this);
    this.reload();
  }

  disconnectedCallback(): void {
    this.generation++; // a load still in flight must not report the disposal as an error
    this.observer?.disconnect();
    this.observer = null;
    this.client?.dispose();
    this.client = null;
    this.destroyPlots();
    this.setState('idle');
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (previous === value || !this.isConnected) return;
    if (name === 'autoplay') {
      if (value !== null && this.currentState === 'ready') this.play();
      return;
    }
    this.reload();
  }

  /** Trains up to the config's steps (continuing after a pause). */
  play(): void {
    if (!this.client || !['ready', 'paused', 'done'].includes(this.currentState)) return;
    this.setState('training');
    this.client.run();
  }

  pause(): void {
    if (this.currentState === 'training') this.client?.pause();
  }

  /** The CLI's summary.json and trace.csv for what has been trained so far, and a preset's verdict and figures. */
  exportResults(): Promise<ExportedFiles> {
    if (!this.client)
      return Promise.reject(
        new DlnsimError(
          '<dln-sim> is not connected: add it to the document (and wait for its ready event) before calling exportResults()',
        ),
      );
    return this.client.exportResults(this.uneditedPreset());
  }

  /** A preset with no attribute editing it is that preset: its summary names it, as the CLI's does. */
  private uneditedPreset(): string | undefined {
    const edited = CONFIG_ATTRIBUTES.some((name) => name !== 'preset' && this.hasAttribute(name));
    const preset = this.getAttribute('preset');
    return preset !== null && !edited ? preset : undefined;
  }

  /** After an unedited preset finishes: its figures (the report's and the demo's), under the plots. */
  private async showFigures(): Promise<void> {
    const box = this.find<HTMLElement>('.figures');
    if (!this.uneditedPreset() || !this.client) return;
    const files = await this.client.exportResults(this.uneditedPreset());
    // dlnsim's own SVG, built from numbers (labels escaped by svg-plot).
    box.innerHTML = files.figures.join('');
    box.hidden = files.figures.length === 0;
  }

  /** Rebuilds the networks from the attributes, once per task however many attributes changed. */
  reload(): void {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    queueMicrotask(() => {
      this.reloadQueued = false;
      if (this.isConnected) void this.load();
    });
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.destroyPlots();
    this.resumeWhenVisible = false;
    this.showMessage(null);
    this.find<HTMLElement>('.figures').hidden = true;
    this.setState('loading');
    let config: Config;
    try {
      config = configFromAttributes(this);
    } catch (error) {
      this.failed(errorInfo(error));
      return;
    }
    this.currentConfig = config;
    this.client ??= new SimClient((reply) => this.receive(reply));
    let info: LoadedInfo;
    try {
      info = await this.client.load(config);
    } catch (error) {
      if (generation === this.generation) this.failed(errorInfo(error));
      return;
    }
    if (generation !== this.generation) return;
    this.history = new History(info);
    const spectrum = targetSpectrum(info.batches[0]!.targets[0]!);
    const host = (name: string) => this.shadowRoot!.querySelector<HTMLElement>(`[data-plot="${name}"]`)!;
    this.plots = [
      new TimePlot(host('loss'), this.history, 'loss', saddleGuides(info.runs[0]!.config, spectrum)),
      new TimePlot(host('singular'), this.history, 'singular', singularValueGuides(spectrum)),
    ];
    this.find('.title').textContent = this.getAttribute('preset') ?? config.name ?? 'dlnsim';
    this.find('.total').textContent = String(info.runs.reduce((most, r) => Math.max(most, r.config.train.steps), 0));
    this.find('.step').textContent = '0';
    this.find('.loss').textContent = '—';
    const adapter = this.find('.adapter');
    adapter.textContent = info.adapter.isFallbackAdapter ? 'software GPU (slow)' : info.adapter.name;
    adapter.className = info.adapter.isFallbackAdapter ? 'adapter software' : 'adapter';
    adapter.title = info.adapter.name;
    this.setState('ready');
    this.emit('ready', info);
    if (this.hasAttribute('autoplay')) {
      if (this.visible) this.play();
      else this.resumeWhenVisible = true;
    }
  }

  private receive(reply: Reply): void {
    switch (reply.type) {
      case 'record': {
        if (!this.history) return;
        this.history.add(reply.batch, reply.record);
        this.scheduleDraw();
        this.emit('record', { runIds: this.history.info.batches[reply.batch]!.runIds, record: reply.record });
        return;
      }
      case 'progress':
        this.find('.rate').textContent = `${formatRate(reply.progress.networkStepsPerSecond)} network-steps/s`;
        this.find<HTMLElement>('.progress div').style.width = `${(100 * reply.progress.fraction).toFixed(1)}%`;
        this.emit('progress', reply.progress);
        return;
      case 'stopped':
        this.draw();
        if (reply.stopped.reason === 'done') {
          this.find<HTMLElement>('.progress div').style.width = '100%';
          this.setState('done');
          this.emit('done', reply.stopped);
          void this.showFigures().catch((error) => this.failed(errorInfo(error)));
        } else {
          this.setState('paused');
        }
        return;
      case 'error':
        this.failed(reply.error);
        return;
      case 'device-lost':
        this.showMessage(`${reply.message} Rebuilding from the last recorded state…`);
        return;
      case 'recovered':
        this.showMessage(null);
        return;
      case 'loaded':
      case 'exported':
        return;
    }
  }

  private visibilityChanged(visible: boolean): void {
    this.visible = visible;
    if (!visible && this.currentState === 'training') {
      this.resumeWhenVisible = true;
      this.pause();
    } else if (visible && this.resumeWhenVisible) {
      this.resumeWhenVisible = false;
      this.play();
    }
  }

  private scheduleDraw(): void {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  private draw(): void {
    this.plots.forEach((p) => p.refresh());
    const history = this.history;
    if (!history) return;
    const step = history.steps[history.steps.length - 1];
    this.find('.step').textContent = step === undefined ? '0' : String(step);
    const losses = history.runs.map((r) => r.losses[r.last]).filter((l): l is number => l !== undefined);
    this.find('.loss').textContent =
      losses.length === 0 ? '—' : formatNumber(losses.reduce((least, l) => Math.min(least, l)));
    this.find('.loss').title = history.runs.length > 1 ? 'lowest loss over the networks' : 'loss';
  }

  private failed(error: ErrorInfo): void {
    this.setState('error');
    this.showMessage(error.field ? `${error.message}` : `${error.name}: ${error.message}`);
    this.emit('error', error);
  }

  private showMessage(text: string | null): void {
    const message = this.find('.message');
    message.hidden = text === null;
    message.textContent = text ?? '';
  }

  private setState(state: DlnSimState): void {
    this.currentState = state;
    this.dataset.state = state;
    const label = this.find('.state');
    label.textContent = state === 'paused' && this.resumeWhenVisible ? 'paused (off screen)' : state;
    label.dataset.state = state;
    const play = this.find<HTMLButtonElement>('.play');
    play.textContent =
      state === 'training' ? 'Pause' : state === 'paused' ? 'Resume' : state === 'done' ? 'Continue' : 'Start';
    play.disabled = !['ready', 'training', 'paused', 'done'].includes(state);
    this.find<HTMLButtonElement>('.reset').disabled = state === 'loading' || state === 'idle';
  }

  private destroyPlots(): void {
    this.plots.forEach((p) => p.destroy());
    this.plots = [];
    this.history = null;
  }

  private emit<K extends keyof DlnSimEventMap>(type: K, detail: DlnSimEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private find<T extends HTMLElement = HTMLElement>(selector: string): T {
    return this.shadowRoot!.querySelector<T>(selector)!;
  }
}

/** Typed listeners for the element's own events, ahead of HTMLElement's (which also names `error` and `progress`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface DlnSimElement {
  addEventListener<K extends keyof DlnSimEventMap>(
    type: K,
    listener: (this: DlnSimElement, event: DlnSimEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: HTMLElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof DlnSimEventMap>(
    type: K,
    listener: (this: DlnSimElement, event: DlnSimEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: HTMLElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}
