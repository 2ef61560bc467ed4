/**
 * What a run costs in memory, estimated from its config before anything is allocated, and the
 * check of a batch against the device's buffer limits and the host's memory. Without it a config
 * like `network.widths: [4, 100000, 100000, 4]` passes validation and dies deep inside (a typed
 * array of 10¹⁰ entries, or a buffer WebGPU refuses); with it, it is refused up front by a
 * ConfigError that names the field, the bytes needed, the limit and the fix.
 *
 * The estimates are upper bounds of what the programs (layer-program.ts, flow-program.ts), the
 * task (problem/task.ts) and the trace allocate, not exact byte counts: a run that passes fits.
 */
import type { ResolvedConfig, Run } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { formatBytes } from '../gpu/buffers.js';
import type { MemoryLimits } from '../gpu/host-memory.js';
import { linearRecordMatrices } from './linearized.js';
import { MAX_RECORD_SLOTS, recordLayout } from './records.js';

export interface NetworkFootprint {
  /** Bytes one network adds to the largest GPU buffer of its batch (what the binding limit bounds). */
  largestBufferBytes: number;
  /** Host bytes to build one network: its Float64 initial layers and their Float32 upload copy. */
  hostBuildBytes: number;
  /** Host bytes one run's records take by the end of training, results files being written included. */
  hostRecordBytes: number;
}

/**
 * Host bytes per recorded value: 4 in the trace's Float32Array, 8 as a JS number once the run's
 * trace is extracted, ~20 as text in trace.csv / summary.json while they are written.
 */
const HOST_BYTES_PER_RECORDED_VALUE = 32;
/** Per record and run: the step, array headers, the CSV row's fixed columns. */
const HOST_BYTES_PER_RECORD = 64;

export function networkFootprint(config: ResolvedConfig): NetworkFootprint {
  const widths = config.widths;
  const widest = Math.max(...widths);
  // Every matrix buffer — layers, prefix and backward products, the flow's state and stages, the
  // SVD's work space — is at most two n_i × n_j blocks per network for some widths n_i, n_j.
  const matrixFloats = 2 * widest * widest;
  // (record.linearized's model, its Gram factors L_k, R_k included: n_N² or n_0² each.)
  const { spectra, matrices, layers, linearized } = config.record;
  // The slot holds the objective's and held-out error's sums too (the largest layout).
  const linearMatrices = linearized ? linearRecordMatrices(config.task.kind) : 0;
  const slotFloats = recordLayout(1, widths, spectra, matrices, layers, {
    weightNorms: true,
    heldOut: true,
    linearMatrices,
  }).slotFloats;
  const layerFloats = widths.slice(1).reduce((sum, n, k) => sum + n * widths[k]!, 0);
  const records = Math.floor(config.train.steps / config.record.every) + 2;
  // Exact spectra add min(n_0, n_N) Float64 values per record, computed on the host.
  const exactValues = spectra === 'exact' ? Math.min(widths[0]!, widths[widths.length - 1]!) : 0;
  // The held-out residual of regression and sensing: n_N × testSamples (testSamples) floats.
  const heldOutFloats =
    config.task.testSamples === undefined
      ? 0
      : (config.task.kind === 'regression' ? widths[widths.length - 1]! : 1) * config.task.testSamples;
  return {
    largestBufferBytes: 4 * Math.max(matrixFloats, MAX_RECORD_SLOTS * slotFloats, heldOutFloats),
    hostBuildBytes: 12 * layerFloats,
    hostRecordBytes: records * ((slotFloats + exactValues) * HOST_BYTES_PER_RECORDED_VALUE + HOST_BYTES_PER_RECORD),
  };
}

/** The task's data, shared by the batch: its largest GPU buffer and its host bytes, and the field that sets its size. */
export function taskFootprint(config: ResolvedConfig): {
  field: string;
  value: unknown;
  largestBufferBytes: number;
  hostBytes: number;
} {
  const { task, widths } = config;
  // Validation made the outer widths the target's shape.
  const rows = widths[widths.length - 1]!;
  const cols = widths[0]!;
  if (task.kind === 'regression') {
    const samples = task.samples ?? 0;
    return {
      field: 'task.samples',
      value: samples,
      largestBufferBytes: 4 * samples * Math.max(rows, cols),
      hostBytes: 12 * samples * (rows + cols),
    };
  }
  if (task.kind === 'sensing') {
    const floats = (task.measurements ?? 0) * rows * cols;
    return {
      field: 'task.measurements',
      value: task.measurements,
      largestBufferBytes: 4 * floats,
      hostBytes: 12 * floats,
    };
  }
  return {
    field: 'task.target',
    value: [rows, cols],
    largestBufferBytes: 4 * rows * cols,
    hostBytes: 12 * rows * cols,
  };
}

/**
 * Throws a ConfigError when not even one network of `run`'s shape fits `limits`, whatever the
 * batch size, beside the records the host keeps for every run of the experiment (`recordBytes`,
 * this run's included: experimentRecordBytes(runs)). The sizes then come from the network, its
 * records or its task, and splitting the batch cannot help.
 */
export function checkNetworkFits(
  run: Run,
  limits: MemoryLimits,
  recordBytes = networkFootprint(run.config).hostRecordBytes,
): void {
  const config = run.config;
  const net = networkFootprint(config);
  const task = taskFootprint(config);
  const binding = `this device binds at most ${formatBytes(limits.bindingBytes)} per storage buffer`;
  const host = `dlnsim uses at most ${formatBytes(limits.hostBytes)} of host memory (${limits.hostSource})`;
  // Name the field the user wrote: network.width when the config (or its sweep) gives depth and width.
  const widthsField = Object.keys(run.overrides).find((key) => key.startsWith('network.')) ?? 'network.widths';
  const widthsValue = run.overrides[widthsField] ?? config.widths;

  if (net.largestBufferBytes + 16 > limits.bindingBytes) {
    throw new ConfigError(
      widthsField,
      widthsValue,
      `one network needs a GPU buffer of ${formatBytes(net.largestBufferBytes)} but ${binding}; use smaller widths (the widest layer n sets it, 8n² bytes, or 16 record slots when record.matrices or record.layers is on)`,
    );
  }
  if (task.largestBufferBytes + 16 > limits.bindingBytes) {
    throw new ConfigError(
      task.field,
      task.value,
      `the task's data needs a GPU buffer of ${formatBytes(task.largestBufferBytes)} but ${binding}; make it smaller`,
    );
  }
  const building = net.hostBuildBytes + task.hostBytes;
  if (building + recordBytes <= limits.hostBytes) return;
  if (building >= recordBytes) {
    const [field, value] = net.hostBuildBytes >= task.hostBytes ? [widthsField, widthsValue] : [task.field, task.value];
    throw new ConfigError(
      field,
      value,
      `building one network needs ${formatBytes(building)} of host memory but ${host}; make it smaller`,
    );
  }
  const fewer =
    recordBytes > net.hostRecordBytes ? ', or run fewer runs (a smaller sweep, fewer seeds, or --shard)' : '';
  throw new ConfigError(
    'record.every',
    config.record.every,
    `the records of this experiment need ${formatBytes(building + recordBytes)} of host memory but ${host}; record less often (raise record.every) or train fewer steps (train.steps)${fewer}`,
  );
}

/** The host bytes the records of `runs` take by the end of training. */
export function experimentRecordBytes(runs: readonly Run[]): number {
  return runs.reduce((sum, run) => sum + networkFootprint(run.config).hostRecordBytes, 0);
}

/**
 * The most networks of `config` one batch may hold: the binding limit bounds the largest buffer,
 * and host memory what building them takes beside the experiment's records (`recordBytes`).
 */
export function networksThatFit(config: ResolvedConfig, limits: MemoryLimits, recordBytes = 0): number {
  const net = networkFootprint(config);
  // Buffers are rounded up to 16 bytes.
  const byBinding = Math.floor((limits.bindingBytes - 16) / net.largestBufferBytes);
  const byHost = Math.floor((limits.hostBytes - taskFootprint(config).hostBytes - recordBytes) / net.hostBuildBytes);
  return Math.max(1, Math.min(byBinding, byHost));
}
