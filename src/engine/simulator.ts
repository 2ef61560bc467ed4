/**
 * Simulator: trains one batch of deep linear networks of one shape on the GPU (each network with
 * its own seed, init scale, learning rate and weight decay), many steps per command buffer, and
 * streams records back without ever waiting on a readback inside the step loop.
 *
 *   const sim = await Simulator.create(gpu, config);
 *   const result = await sim.run({ onRecord, onProgress, signal });
 *
 * Between runs, `sim.snapshot()` copies the whole state to the host; `Simulator.create(gpu, runs,
 * { resume: snapshot })` continues from it on any device (a new one after a device loss), with the
 * same steps the first simulator would have taken.
 */
import type { Config, Run } from '../config/types.js';
import { expandRuns, groupBatches } from '../config/index.js';
import { AbortError, ConfigError, DlnsimError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { readFloats } from '../gpu/buffers.js';
import { memoryLimits } from '../gpu/host-memory.js';
import type { Matrix } from '../linalg/matrix.js';
import { batchTasks } from '../problem/batch-tasks.js';
import type { TaskData } from '../problem/types.js';
import { checkNetworkFits, experimentRecordBytes } from './footprint.js';
import { NET_FLOATS } from './nets.js';
import { networkMatrices, PROGRAMS } from './programs.js';
import type { BatchProgram } from './program.js';
import { ReadbackPool } from './readback.js';
import { type BatchRecord, decodeSlot, MAX_RECORD_SLOTS, recordLayout, type RecordLayout } from './records.js';
import { type Chunk, planChunks } from './schedule.js';
import { linearRecordMatrices } from './linearized.js';
import { completeRecord } from './record-completion.js';
import { Trace } from './trace.js';

export interface Progress {
  step: number;
  totalSteps: number;
  elapsedSeconds: number;
  stepsPerSecond: number;
  networkStepsPerSecond: number;
  etaSeconds: number;
}

export interface RunOptions {
  /** Steps to train in this call; default: the config's train.steps minus steps already done. */
  steps?: number;
  onRecord?: (record: BatchRecord) => void;
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

export type Divergence = false | { step: number; reason: string };

export interface RunResult {
  /** Steps done in total (over all run() calls). */
  step: number;
  seconds: number;
  networkStepsPerSecond: number;
  aborted: boolean;
  /** Per network: false, or the first recorded step where it was found diverged and frozen. */
  diverged: Divergence[];
}

/** Everything a batch is, on the host: what `snapshot()` returns and `resume` continues from. */
export interface Snapshot {
  /** Steps done when it was taken. */
  step: number;
  /** The state matrices (layers W_1..W_N, or the flow's W), batch-major f32, as on the GPU. */
  state: Float32Array[];
  /** Per-network GPU words (engine/nets.ts): frozen flags and first losses carry over. */
  nets: Float32Array;
  /** The trace's records up to `step`, and the divergences found in them. */
  records: BatchRecord[];
  diverged: Divergence[];
}

export interface SimulatorOptions {
  /** Dispatches encoded per command buffer (default 1024): fewer submits, coarser progress. */
  dispatchesPerSubmit?: number;
  /** Continue from a snapshot of a simulator of the same runs instead of initialising. */
  resume?: Snapshot;
}

/** Command buffers allowed in flight before the loop waits for the oldest (bounded queue). */
const IN_FLIGHT = 3;

export class Simulator {
  readonly trace: Trace;
  readonly diverged: Divergence[];
  /** Steps done so far. */
  step = 0;
  private recordedStep = -1;
  private running = false;
  private readonly pool: ReadbackPool;

  private constructor(
    private readonly gpu: GpuContext,
    readonly runs: Run[],
    /** Network b's task instance: one shared by all, or one per task seed (problem/batch-tasks.ts). */
    readonly tasks: readonly TaskData[],
    readonly program: BatchProgram,
    readonly layout: RecordLayout,
    private readonly slots: number,
    private readonly stepsPerChunk: number,
  ) {
    this.trace = new Trace(runs.length);
    this.diverged = runs.map(() => false);
    this.pool = new ReadbackPool(gpu.device, slots * layout.slotFloats * 4);
  }

  /** Builds the batch: a config (its sweep must keep one shape) or runs from expandRuns. */
  static async create(gpu: GpuContext, input: Config | Run[], options: SimulatorOptions = {}): Promise<Simulator> {
    const runs = Array.isArray(input) ? input : expandRuns(input);
    const batches = groupBatches(runs);
    if (batches.length !== 1) {
      throw new ConfigError(
        'sweep',
        Object.keys(runs[0]?.overrides ?? {}),
        `this sweep needs ${batches.length} separate GPU batches (it changes the shape or the task); a Simulator trains one batch — use runExperiment() or the CLI, which run one batch per shape`,
      );
    }
    const first = runs[0]!.config;
    const factory = PROGRAMS[first.train.method];
    if (!factory)
      throw new ConfigError('train.method', first.train.method, `use one of: ${Object.keys(PROGRAMS).join(', ')}`);
    // Before the task, the layers or any buffer is made: a network too large for the device or
    // the host is a ConfigError, not a RangeError or a WebGPU error deep inside.
    checkNetworkFits(runs[0]!, memoryLimits(gpu.device), experimentRecordBytes(runs));
    const tasks = batchTasks(runs.map((run) => run.config));
    const layout = recordLayout(
      runs.length,
      first.widths,
      first.record.spectra,
      first.record.matrices,
      first.record.layers,
      {
        // Σ‖W_k‖² for the objective J = C + (λ/2)Σ‖W_k‖² (SPEC §7): only layer batches with weight decay pay for it.
        weightNorms: first.train.method === 'layers' && runs.some((run) => run.config.train.weightDecay > 0),
        heldOut: tasks[0]!.heldOut !== undefined,
        linearMatrices: first.record.linearized ? linearRecordMatrices(first.task.kind) : 0,
      },
    );
    const dispatchesPerSubmit = options.dispatchesPerSubmit ?? 1024;
    const stepsPerChunk = Math.max(
      1,
      Math.min(first.train.steps || 1, Math.floor(dispatchesPerSubmit / factory.dispatchesPerStep(first))),
    );
    const slots = Math.min(MAX_RECORD_SLOTS, Math.ceil(stepsPerChunk / first.record.every) + 1);
    const { resume } = options;
    if (resume) checkSnapshot(resume, runs.length, factory.stateShapes(first));
    const program = factory.build(gpu.device, { runs, tasks, layout, slots, start: resume });
    await gpu.device.queue.onSubmittedWorkDone();
    gpu.throwIfFailed();
    const sim = new Simulator(gpu, runs, tasks, program, layout, slots, stepsPerChunk);
    if (resume) sim.restoreHistory(resume);
    return sim;
  }

  get batch(): number {
    return this.runs.length;
  }

  async run(options: RunOptions = {}): Promise<RunResult> {
    if (this.running)
      throw new DlnsimError(
        'Simulator.run: this simulator is already running; await the running call (or abort it) first',
      );
    this.running = true;
    try {
      return await this.runSteps(options);
    } finally {
      this.running = false;
    }
  }

  private async runSteps(options: RunOptions): Promise<RunResult> {
    const config = this.runs[0]!.config;
    const from = this.step;
    const to = from + (options.steps ?? Math.max(0, config.train.steps - from));
    const device = this.gpu.device;
    const started = performance.now();
    const chunks = planChunks(from, to, config.record.every, this.stepsPerChunk, this.slots, this.recordedStep < from);
    const inFlight: { settled: Promise<void>; end: number }[] = [];
    let delivered: Promise<void> = Promise.resolve();
    let aborted = false;
    const failure = this.gpu.lost.then((error) => {
      throw error;
    });
    failure.catch(() => undefined);
    const wait = (p: Promise<void>) => Promise.race([p, failure]);

    for (const chunk of chunks) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      this.gpu.throwIfFailed();
      const encoder = device.createCommandEncoder({ label: `steps ${chunk.start}–${chunk.end}` });
      const pass = encoder.beginComputePass();
      this.encodeChunkSteps(pass, chunk);
      if (chunk.finalRecord) this.program.encodeRecordOnly(pass, chunk.recordSteps.length - 1);
      pass.end();
      const done = this.finishChunk(encoder, chunk.recordSteps);
      delivered = this.queueDelivery(delivered, done, options.onRecord);
      // When the device is lost, wait() throws before later links are awaited; their rejections
      // (readbacks aborted by destroy()) are expected and must not surface as unhandled.
      delivered.catch(() => undefined);
      inFlight.push({ settled: delivered, end: chunk.end });
      this.step = chunk.end;
      if (inFlight.length >= IN_FLIGHT) {
        const oldest = inFlight.shift()!;
        await wait(oldest.settled);
        this.report(options.onProgress, from, to, started, oldest.end);
      }
    }
    if (aborted && this.recordedStep < this.step) {
      // Keep the state reached: record it before returning.
      const encoder = device.createCommandEncoder({ label: 'final record after abort' });
      const pass = encoder.beginComputePass();
      this.program.encodeRecordOnly(pass, 0);
      pass.end();
      delivered = this.queueDelivery(delivered, this.finishChunk(encoder, [this.step]), options.onRecord);
    }
    await wait(delivered);
    this.gpu.throwIfFailed();
    const seconds = (performance.now() - started) / 1000;
    this.report(options.onProgress, from, to, started, this.step);
    return {
      step: this.step,
      seconds,
      networkStepsPerSecond: seconds > 0 ? ((this.step - from) * this.batch) / seconds : 0,
      aborted,
      diverged: [...this.diverged],
    };
  }

  /** Throws an AbortError if the signal fired; for callers that prefer exceptions. */
  static throwIfAborted(result: RunResult): void {
    if (result.aborted) throw new AbortError(`run cancelled at step ${result.step}; records up to then are kept`);
  }

  /** Current state of every network: layers[b][k] is W_{k+1} (for the flow, [W]). */
  async readLayers(): Promise<Matrix[][]> {
    const state = await this.readBuffers(
      this.program.state.map((m) => ({ buffer: m.buffer, floats: this.batch * m.rows * m.cols })),
    );
    const shapes = this.program.state.map((m): [number, number] => [m.rows, m.cols]);
    return this.runs.map((_, b) => networkMatrices(state, shapes, b));
  }

  /**
   * The whole state on the host — weights, per-network flags, trace and divergences — taken
   * between runs. Resuming from it on any device continues exactly as this simulator would.
   */
  async snapshot(): Promise<Snapshot> {
    if (this.running)
      throw new DlnsimError('Simulator.snapshot: the simulator is running; take snapshots between run() calls');
    const [nets, ...state] = await this.readBuffers([
      { buffer: this.program.nets, floats: this.batch * NET_FLOATS },
      ...this.program.state.map((m) => ({ buffer: m.buffer, floats: this.batch * m.rows * m.cols })),
    ]);
    return { step: this.step, state, nets: nets!, records: [...this.trace.records], diverged: [...this.diverged] };
  }

  destroy(): void {
    this.program.destroy();
    this.pool.destroy();
  }

  /** Reads buffers back; a device lost meanwhile surfaces as the DeviceLostError callers recover from. */
  private async readBuffers(reads: { buffer: GPUBuffer; floats: number }[]): Promise<Float32Array[]> {
    const values = Promise.all(reads.map(({ buffer, floats }) => readFloats(this.gpu.device, buffer, floats)));
    const result = await Promise.race([values, this.gpu.lost.then((error) => Promise.reject(error))]);
    this.gpu.throwIfFailed();
    return result;
  }

  private restoreHistory(snapshot: Snapshot): void {
    this.step = snapshot.step;
    for (const record of snapshot.records) this.trace.push(record);
    this.recordedStep = this.trace.last()?.step ?? -1;
    snapshot.diverged.forEach((d, b) => (this.diverged[b] = d));
  }

  /** The chunk's updates: per step, or (where the program can) a run of steps between records at once. */
  private encodeChunkSteps(pass: GPUComputePassEncoder, chunk: Chunk): void {
    const program = this.program;
    for (let t = chunk.start; t < chunk.end;) {
      const slot = chunk.recordSteps.indexOf(t);
      const at = slot >= 0 ? slot : undefined;
      if (!program.encodeSteps) {
        program.encodeStep(pass, at);
        t++;
        continue;
      }
      const nextRecord = chunk.recordSteps.find((s) => s > t);
      const end = Math.min(chunk.end, nextRecord ?? chunk.end);
      program.encodeSteps(pass, end - t, at);
      t = end;
    }
  }

  private finishChunk(encoder: GPUCommandEncoder, recordSteps: number[]): Promise<BatchRecord[]> {
    const device = this.gpu.device;
    if (recordSteps.length === 0) {
      device.queue.submit([encoder.finish()]);
      return device.queue.onSubmittedWorkDone().then(() => []);
    }
    const floats = recordSteps.length * this.layout.slotFloats;
    const staging = this.pool.acquire();
    encoder.copyBufferToBuffer(this.program.records, 0, staging, 0, floats * 4);
    device.queue.submit([encoder.finish()]);
    this.recordedStep = recordSteps[recordSteps.length - 1]!;
    const records = this.pool
      .read(staging, floats)
      .then((values) => recordSteps.map((step, slot) => decodeSlot(this.layout, values, slot, step)));
    // Awaited through the delivery chain, which a lost device may break before it gets here.
    records.catch(() => undefined);
    return records;
  }

  /** The delivery chain extended by one chunk's records: completed on the host and delivered in step order. */
  private queueDelivery(
    delivered: Promise<void>,
    done: Promise<BatchRecord[]>,
    onRecord?: (record: BatchRecord) => void,
  ): Promise<void> {
    return delivered.then(() => done).then((records) => records.forEach((r) => this.deliver(r, onRecord)));
  }

  private deliver(record: BatchRecord, onRecord?: (record: BatchRecord) => void): void {
    const config = this.runs[0]!.config;
    completeRecord(record, config, this.batch, this.program.linearReference);
    record.frozen.forEach((frozen, b) => {
      if (frozen && !this.diverged[b]) {
        const loss = record.losses[b]!;
        this.diverged[b] = {
          step: record.step,
          reason: Number.isFinite(loss)
            ? `loss ${loss.toExponential(3)} above ${config.train.divergenceFactor} × max(initial loss, 1)`
            : `loss became ${loss}`,
        };
      }
    });
    this.trace.push(record);
    onRecord?.(record);
  }

  private report(
    onProgress: RunOptions['onProgress'],
    from: number,
    to: number,
    started: number,
    reached: number,
  ): void {
    if (!onProgress) return;
    const elapsedSeconds = (performance.now() - started) / 1000;
    const done = reached - from;
    const stepsPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    onProgress({
      step: reached,
      totalSteps: to,
      elapsedSeconds,
      stepsPerSecond,
      networkStepsPerSecond: stepsPerSecond * this.batch,
      etaSeconds: stepsPerSecond > 0 ? (to - reached) / stepsPerSecond : Infinity,
    });
  }
}

/** A snapshot must come from a simulator of the same batch size and shapes. */
function checkSnapshot(snapshot: Snapshot, batch: number, shapes: [number, number][]): void {
  const expected = shapes.map(([rows, cols]) => batch * rows * cols);
  const got = snapshot.state.map((s) => s.length);
  if (
    got.length !== expected.length ||
    got.some((n, i) => n !== expected[i]) ||
    snapshot.nets.length !== batch * NET_FLOATS ||
    snapshot.diverged.length !== batch
  ) {
    throw new DlnsimError(
      `Simulator.create: the resume snapshot does not fit this batch (state floats ${JSON.stringify(got)}, expected ${JSON.stringify(expected)} for ${batch} networks of shapes ${JSON.stringify(shapes)}); resume with a snapshot of a simulator built from the same runs`,
    );
  }
  if (!Number.isInteger(snapshot.step) || snapshot.step < 0)
    throw new DlnsimError(
      `Simulator.create: the resume snapshot's step must be a non-negative integer, got ${snapshot.step}`,
    );
}
