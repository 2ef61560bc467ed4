/**
 * What the simulation worker holds for one loaded config: the GPU device and one Simulator per
 * batch (runs of one shape, split as the CLI splits them to fit the device), trained in turns so a sweep over depths or widths advances together.
 * Streams records and progress through `post`, and survives a lost device: after every turn it keeps
 * a host snapshot of each batch (weights, flags, trace), and rebuilds every batch on a new device
 * from its snapshot, training silently up to the last record the page already has.
 *
 * Knows nothing of the DOM or of worker globals, so it runs under any host that can post messages.
 */
import type { Config, Run } from '../config/types.js';
import { expandRuns } from '../config/index.js';
import { Simulator, type Divergence, type Snapshot } from '../engine/simulator.js';
import { memoryLimits, planBatches } from '../experiment/index.js';
import { acquireDevice, type GpuContext } from '../gpu/device.js';
import { DeviceLostError } from '../errors.js';
import { type ExportedFiles, type LoadedInfo, type Reply, errorInfo } from './protocol.js';
import { type TrainedBatch, exportFiles } from './export.js';
import { findPreset } from '../presets/index.js';

interface Batch {
  runs: Run[];
  sim: Simulator;
  /** Last step whose record reached the page: where training resumes after a device loss. */
  deliveredStep: number;
  /** The batch at the end of its last turn, on the host: what a new device starts from. */
  saved: Snapshot | null;
}

/**
 * Steps a batch trains before the next batch's turn (a sweep of several shapes advances
 * together) and before its state is snapshotted to the host for device-loss recovery.
 */
const TURN_STEPS = 200;

export class Session {
  private controller: AbortController | null = null;
  private training: Promise<void> = Promise.resolve();
  private recovery: Promise<void> | null = null;
  private recovering = false;
  private disposed = false;
  /** Seconds spent training, over every train() call. */
  private trainingSeconds = 0;

  private constructor(
    private gpu: GpuContext,
    private readonly config: Config,
    private readonly batches: Batch[],
    private readonly post: (reply: Reply) => void,
  ) {
    this.watchDevice(gpu);
  }

  static async open(config: Config, post: (reply: Reply) => void): Promise<{ session: Session; info: LoadedInfo }> {
    const runs = expandRuns(config);
    const gpu = await acquireDevice();
    const groups = planBatches(runs, memoryLimits(gpu.device));
    const batches: Batch[] = [];
    try {
      for (const group of groups)
        batches.push({ runs: group, sim: await Simulator.create(gpu, group), deliveredStep: -1, saved: null });
    } catch (error) {
      batches.forEach((b) => b.sim.destroy());
      gpu.destroy();
      throw error;
    }
    const session = new Session(gpu, config, batches, post);
    const info: LoadedInfo = {
      config,
      adapter: gpu.adapter,
      runs: runs.map(({ id, overrides, config: resolved }) => ({ id, overrides, config: resolved })),
      batches: batches.map(({ runs: group, sim }) => ({
        runIds: group.map((r) => r.id),
        targets: sim.tasks.map((task) => task.target),
        kernel: sim.program.kernelPath,
      })),
    };
    return { session, info };
  }

  get running(): boolean {
    return this.controller !== null;
  }

  /** Starts training (no-op while already training); `steps` more steps, else up to train.steps. */
  train(steps?: number): void {
    if (this.running || this.disposed) return;
    const controller = (this.controller = new AbortController());
    this.training = this.trainBatches(controller.signal, steps)
      .catch((error: unknown) => this.post({ type: 'error', error: errorInfo(error) }))
      .finally(() => (this.controller = null));
  }

  pause(): void {
    this.controller?.abort();
  }

  /** summary.json and trace.csv of what is recorded; `preset` names the unedited preset that this config is. */
  async exportResults(presetName?: string): Promise<ExportedFiles> {
    const preset = presetName === undefined ? undefined : findPreset(presetName);
    const batches: TrainedBatch[] = [];
    for (const b of this.batches) {
      let metrics: Record<string, number>[] = [];
      // The preset's measurement reads the layers, which match the last record only when idle.
      if (preset?.measure && !this.running) {
        const layers = await b.sim.readLayers();
        metrics = b.runs.map((run, k) => preset.measure!(run, layers[k]!, b.sim.tasks[k]!));
      }
      batches.push({
        runs: b.runs,
        trace: b.sim.trace,
        diverged: b.sim.diverged,
        metrics,
        kernel: b.sim.program.kernelPath,
      });
    }
    return exportFiles(this.config, this.gpu.adapter, this.trainingSeconds, batches, preset);
  }

  /** Destroys the device without telling the wrapper, exactly as a driver reset is seen. */
  loseDevice(): void {
    this.gpu.device.destroy();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.pause();
    await this.training;
    await this.recovery?.catch(() => undefined);
    this.batches.forEach((b) => b.sim.destroy());
    this.gpu.destroy();
  }

  private async trainBatches(signal: AbortSignal, steps: number | undefined): Promise<void> {
    const goals = this.batches.map((b) =>
      steps === undefined ? Math.max(b.sim.step, b.runs[0]!.config.train.steps) : b.sim.step + steps,
    );
    const starts = this.batches.map((b) => b.sim.step);
    const totalWork = this.batches.reduce((sum, b, i) => sum + (goals[i]! - starts[i]!) * b.runs.length, 0);
    const started = performance.now();
    let rate = 0;
    for (;;) {
      const pending = this.batches.map((b, i) => ({ b, i })).filter(({ b, i }) => b.sim.step < goals[i]!);
      if (pending.length === 0 || signal.aborted) break;
      for (const { b, i } of pending) {
        if (signal.aborted) break;
        // Turns end on multiples of record.every, so they add no off-grid records.
        const every = b.runs[0]!.config.record.every;
        const until = Math.min(
          goals[i]!,
          (Math.floor(b.sim.step / every) + Math.max(1, Math.round(TURN_STEPS / every))) * every,
        );
        try {
          await b.sim.run({
            steps: until - b.sim.step,
            signal,
            onRecord: (record) => {
              b.deliveredStep = record.step;
              this.post({ type: 'record', batch: i, record });
            },
            onProgress: (p) => {
              rate = p.networkStepsPerSecond;
              const done = this.batches.reduce(
                (sum, other, j) => sum + (other.sim.step - starts[j]!) * other.runs.length,
                0,
              );
              this.post({
                type: 'progress',
                progress: {
                  step: Math.min(...this.batches.map((other) => other.sim.step)),
                  totalSteps: Math.max(...goals),
                  fraction: totalWork > 0 ? done / totalWork : 1,
                  networkStepsPerSecond: rate,
                  etaSeconds: rate > 0 ? (totalWork - done) / rate : Infinity,
                },
              });
            },
          });
          b.saved = await b.sim.snapshot();
        } catch (error) {
          if (!(error instanceof DeviceLostError) || this.disposed) throw error;
          await this.recover(this.gpu);
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    this.trainingSeconds += seconds;
    const done = this.batches.reduce((sum, b, j) => sum + (b.sim.step - starts[j]!) * b.runs.length, 0);
    const diverged: Divergence[] = [];
    for (const b of this.batches) b.runs.forEach((run, k) => (diverged[run.id] = b.sim.diverged[k]!));
    this.post({
      type: 'stopped',
      stopped: {
        reason: signal.aborted ? 'paused' : 'done',
        steps: this.batches.map((b) => b.sim.step),
        diverged,
        seconds,
        networkStepsPerSecond: seconds > 0 ? done / seconds : 0,
      },
    });
  }

  private watchDevice(gpu: GpuContext): void {
    // A loss while idle is repaired at once, so the next run (or export) finds a working device.
    void gpu.lost.then(() => {
      if (!this.disposed && gpu === this.gpu && !this.running)
        void this.recover(gpu).catch((error: unknown) => this.post({ type: 'error', error: errorInfo(error) }));
    });
  }

  /** Rebuilds every batch on a new device from its snapshot, trained on to the page's last record. */
  private recover(lost: GpuContext): Promise<void> {
    // Both the idle watcher and a failing run may ask; the first asks, the second waits.
    if (lost !== this.gpu || this.recovering) return this.recovery ?? Promise.resolve();
    this.recovering = true;
    this.recovery = (async () => {
      const reason = await lost.lost;
      this.post({ type: 'device-lost', message: reason.message });
      lost.destroy();
      const gpu = await acquireDevice();
      for (const b of this.batches) {
        b.sim.destroy();
        b.sim = await Simulator.create(gpu, b.runs, b.saved ? { resume: b.saved } : {});
        // Records after the snapshot (at most one turn's) reached the page before the loss: the
        // same kernels from the same state reproduce them, and they are not sent again.
        if (b.deliveredStep > b.sim.step) await b.sim.run({ steps: b.deliveredStep - b.sim.step });
      }
      this.gpu = gpu;
      this.watchDevice(gpu);
      this.post({
        type: 'recovered',
        steps: this.batches.map((b) => b.sim.step),
        kernels: this.batches.map((b) => b.sim.program.kernelPath),
        adapter: gpu.adapter,
      });
    })().finally(() => (this.recovering = false));
    return this.recovery;
  }
}
