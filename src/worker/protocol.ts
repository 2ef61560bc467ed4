/**
 * The typed messages between a page and the simulation worker (src/worker/sim-worker.ts). The
 * worker owns the GPU device and the Simulators; the page only sends commands and draws what comes
 * back, so training never blocks the page's main thread.
 *
 * Requests that expect one answer (load, export) carry an `id` that the answer repeats; everything
 * else streams (records, progress) or is a notice (device-lost, recovered, stopped, error).
 */
import type { Config, ResolvedConfig } from '../config/types.js';
import type { Verdict } from '../presets/types.js';
import type { Divergence } from '../engine/simulator.js';
import type { BatchRecord } from '../engine/records.js';
import type { AdapterReport } from '../gpu/device.js';
import type { BatchProgram } from '../engine/program.js';

export type Command =
  /** Build the networks of `config` (one Simulator per batch of one shape); answered by `loaded` or `error`. */
  | { type: 'load'; id: number; config: Config }
  /** Train `steps` more steps, or up to train.steps when omitted; ends with `stopped`. */
  | { type: 'run'; steps?: number }
  /** Stop at the next chunk boundary; the state reached is recorded and kept. */
  | { type: 'pause' }
  /**
   * Answered by `exported`: the CLI's summary.json and trace.csv for what has been trained. With
   * `preset` (the config is that preset's, unedited), the summary also names it and carries its
   * measurements and, after a complete run, its verdict, as the CLI's does.
   */
  | { type: 'export'; id: number; preset?: string }
  /** Destroys the device as a driver reset would, to exercise recovery (tests, docs). */
  | { type: 'lose-device' }
  /** Release the GPU; the worker closes itself afterwards. */
  | { type: 'dispose' };

/** One network as the page needs to know it. */
export interface RunInfo {
  id: number;
  /** The sweep values (and replicate seed) that made this network, by dotted path. */
  overrides: Record<string, unknown>;
  config: ResolvedConfig;
}

/** A dense row-major matrix that crosses the worker boundary. */
export interface MatrixData {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A batch: networks of one shape and task, trained together by one Simulator. */
export interface BatchInfo {
  /** Ids of the batch's networks, in the order of the record arrays. */
  runIds: number[];
  /** Each network's target, in runIds' order: one object repeated when the batch shares its task (structured clone sends it once). */
  targets: MatrixData[];
  /** The step path the engine chose for the batch (BatchProgram.kernelPath, after train.kernel and the adapter). */
  kernel: BatchProgram['kernelPath'];
}

export interface LoadedInfo {
  /** The config as loaded (sweep and seeds included). */
  config: Config;
  adapter: AdapterReport;
  runs: RunInfo[];
  batches: BatchInfo[];
}

export interface ProgressInfo {
  /** Steps done by the batch that is furthest behind (every batch, for a single-shape config). */
  step: number;
  /** Steps this run() aims for. */
  totalSteps: number;
  /** Fraction of all network-steps of this run() done, over every batch. */
  fraction: number;
  networkStepsPerSecond: number;
  etaSeconds: number;
}

export interface StoppedInfo {
  reason: 'done' | 'paused';
  /** Steps done by every batch (they agree unless paused midway through a sweep of shapes). */
  steps: number[];
  /** Per run id: false or where it diverged. */
  diverged: Divergence[];
  seconds: number;
  networkStepsPerSecond: number;
}

export interface ExportedFiles {
  summaryJson: string;
  traceCsv: string;
  /** The preset's verdict, for a complete run of an unedited preset; else null. */
  verdict: Verdict | null;
  /** The preset's figures as SVG <figure> markup (src/results/figures); [] without a preset. */
  figures: string[];
}

/** An error as it crosses the boundary; ConfigError fields kept so the page can point at the field. */
export interface ErrorInfo {
  name: string;
  message: string;
  field?: string;
  fix?: string;
}

export type Reply =
  | { type: 'loaded'; id: number; info: LoadedInfo }
  /** `batch` indexes LoadedInfo.batches; the record's arrays follow that batch's runIds. */
  | { type: 'record'; batch: number; record: BatchRecord }
  | { type: 'progress'; progress: ProgressInfo }
  | { type: 'stopped'; stopped: StoppedInfo }
  | { type: 'exported'; id: number; files: ExportedFiles }
  /** The device was lost; the worker is rebuilding the networks from their last recorded state. */
  | { type: 'device-lost'; message: string }
  /** Recovered on a new device: training can continue from `steps` (per batch), each batch on its step path `kernels` (the new adapter's choice). */
  | { type: 'recovered'; steps: number[]; kernels: BatchProgram['kernelPath'][]; adapter: AdapterReport }
  /** `id` when the error answers a request (load, export); otherwise a failed run. */
  | { type: 'error'; id?: number; error: ErrorInfo };

/** Keeps `field` and `fix` of errors that carry them (ConfigError, and WorkerError on the page side). */
export function errorInfo(error: unknown): ErrorInfo {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { field, fix } = error as { field?: unknown; fix?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof field === 'string' && { field }),
    ...(typeof fix === 'string' && { fix }),
  };
}
