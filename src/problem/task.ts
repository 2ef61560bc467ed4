/**
 * Builds the task instance of SPEC §2 from a resolved config, in Float64 on the CPU. Every random
 * draw comes from src/random.ts, keyed by the config's seeds:
 *   target frames U, V — seed target.seed ?? task.seed, stream `target`, substreams 0 (U) and 1 (V)
 *   completion mask    — seed task.seed, stream `mask`
 *   regression X       — seed task.seed, stream `data`, substream 0; its noise substream 1
 *   sensing A_i        — seed task.seed, stream `measurements`
 *   factorization noise — seed task.seed, stream `noise` (Y = Y_clean + noise·E, E with N(0, 1) entries)
 *   held-out samples   — seed task.seed, stream `heldOut`: regression inputs X_t, sensing A_i (SPEC §12)
 */
import type { ResolvedConfig, TargetSpec } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { type Matrix, combine, dot, fromRows, matmul, scale, zeros } from '../linalg/matrix.js';
import { Rng, STREAMS, gaussianMatrix, haarColumns } from '../random.js';
import type { HeldOut, TaskData } from './types.js';

export function buildTask(config: ResolvedConfig): TaskData {
  const { target, clean } = factorizationTargets(config);
  checkWidthsMatchTarget(config.widths, target);
  const task: TaskData = { kind: config.task.kind, target, lossScale: config.loss.scale };
  switch (config.task.kind) {
    case 'factorization':
      if (clean !== target) task.heldOut = entriesHeldOut(clean);
      break;
    case 'completion': {
      task.mask = buildMask(config, target.rows, target.cols);
      task.observedCount = task.mask.data.reduce((count, entry) => count + entry, 0);
      const unobserved = { ...task.mask, data: task.mask.data.map((entry) => 1 - entry) };
      if (unobserved.data.some((entry) => entry !== 0)) task.heldOut = entriesHeldOut(target, unobserved);
      break;
    }
    case 'regression': {
      const { x, yData } = buildRegressionData(config, target);
      const m = x.cols;
      task.sxx = scale(matmul(x, x, false, true), 1 / m);
      task.syx = scale(matmul(yData, x, false, true), 1 / m);
      task.lossOffset = dot(yData, yData) / (2 * m);
      task.heldOut = regressionHeldOut(config, target);
      break;
    }
    case 'sensing':
      task.sensing = buildSensing(config, target);
      task.heldOut = sensingHeldOut(config, target);
      break;
  }
  return task;
}

/**
 * The factorization target Y = Y_clean + noise·E (E with N(0, 1) entries, stream `noise`) and
 * Y_clean itself; the same matrix twice without noise, and for every other task.
 */
export function factorizationTargets(config: ResolvedConfig): { target: Matrix; clean: Matrix } {
  const clean = buildTarget(config);
  const noise = config.task.kind === 'factorization' ? (config.task.noise ?? 0) : 0;
  if (noise === 0) return { target: clean, clean };
  const e = gaussianMatrix(new Rng(config.task.seed, STREAMS.noise), clean.rows, clean.cols);
  return { target: combine(1, clean, noise, e), clean };
}

/** Held-out entries of `target`, weighted by `weight` (1 − M for completion); undefined where they are all zero. */
export function entriesHeldOut(target: Matrix, weight?: Matrix): HeldOut | undefined {
  const denominator = weight
    ? target.data.reduce((sum, v, i) => sum + weight.data[i]! * v * v, 0)
    : dot(target, target);
  return denominator > 0 ? { kind: 'entries', target, ...(weight && { weight }), denominator } : undefined;
}

/** Fresh inputs X_t (n_0 × testSamples, N(0, 1)) and their clean outputs Y X_t. */
function regressionHeldOut(config: ResolvedConfig, target: Matrix): HeldOut | undefined {
  const m = required(config.task.testSamples, 'task.testSamples', 'regression needs the number of held-out samples');
  const x = gaussianMatrix(new Rng(config.task.seed, STREAMS.heldOut), target.cols, m);
  const y = matmul(target, x);
  const denominator = dot(y, y);
  return denominator > 0 ? { kind: 'samples', x, y, denominator } : undefined;
}

/** Fresh measurement matrices (testSamples of them) and their values ⟨A_i, Y⟩. */
function sensingHeldOut(config: ResolvedConfig, target: Matrix): HeldOut | undefined {
  const m = required(config.task.testSamples, 'task.testSamples', 'sensing needs the number of held-out measurements');
  const { a, y } = measure(new Rng(config.task.seed, STREAMS.heldOut), m, target);
  const denominator = y.reduce((sum, v) => sum + v * v, 0);
  return denominator > 0 ? { kind: 'measurements', a, y, denominator } : undefined;
}

/** Y (n_N × n_0): U diag(s) Vᵀ with Haar U, V; diagonal for an aligned target; or the given matrix. */
export function buildTarget(config: ResolvedConfig): Matrix {
  const spec: TargetSpec = config.task.target;
  if ('matrix' in spec) return fromRows(spec.matrix);
  const { rows, cols, singularValues } = spec;
  if (singularValues.length > Math.min(rows, cols)) {
    throw new ConfigError(
      'task.target.singularValues',
      singularValues,
      `give at most min(rows, cols) = ${Math.min(rows, cols)} values`,
    );
  }
  if ('aligned' in spec) {
    const y = zeros(rows, cols);
    singularValues.forEach((s, i) => (y.data[i * cols + i] = s));
    return y;
  }
  const seed = spec.seed ?? config.task.seed;
  const rank = singularValues.length;
  const u = haarColumns(new Rng(seed, STREAMS.target, 0), rows, rank);
  const v = haarColumns(new Rng(seed, STREAMS.target, 1), cols, rank);
  return frameProduct(u, singularValues, v);
}

/** U diag(s) Vᵀ from the first r = s.length columns of U (m × ≥r) and V (n × ≥r). */
export function frameProduct(u: Matrix, s: ArrayLike<number>, v: Matrix): Matrix {
  const out = zeros(u.rows, v.rows);
  for (let i = 0; i < u.rows; i++) {
    for (let j = 0; j < v.rows; j++) {
      let sum = 0;
      for (let k = 0; k < s.length; k++) sum += u.data[i * u.cols + k]! * s[k]! * v.data[j * v.cols + k]!;
      out.data[i * v.rows + j] = sum;
    }
  }
  return out;
}

/**
 * The regression samples behind Σxx, Σyx and c: X (n_0 × m, N(0,1) entries) and
 * Y_data = Y X + noise·E (E with N(0,1) entries). Exported so tests can check the loss directly.
 */
export function buildRegressionData(
  config: ResolvedConfig,
  target = buildTarget(config),
): { x: Matrix; yData: Matrix } {
  const m = required(config.task.samples, 'task.samples', 'regression needs the number of samples m');
  const noise = config.task.noise ?? 0;
  const x = gaussianMatrix(new Rng(config.task.seed, STREAMS.data, 0), target.cols, m);
  const clean = matmul(target, x);
  if (noise === 0) return { x, yData: clean };
  const e = gaussianMatrix(new Rng(config.task.seed, STREAMS.data, 1), target.rows, m);
  return { x, yData: combine(1, clean, noise, e) };
}

/**
 * The explicit mask, or exactly max(1, round(observed·rows·cols)) ones at the first positions of a
 * seeded Fisher–Yates shuffle of all entries.
 */
function buildMask(config: ResolvedConfig, rows: number, cols: number): Matrix {
  const { mask, observed } = config.task;
  if (mask) {
    const explicit = fromRows(mask);
    if (explicit.rows !== rows || explicit.cols !== cols) {
      throw new ConfigError(
        'task.mask',
        `${explicit.rows}×${explicit.cols}`,
        `the mask must have the target's shape ${rows}×${cols}`,
      );
    }
    return explicit;
  }
  const fraction = required(observed, 'task.observed', 'completion needs a mask or the observed fraction');
  const size = rows * cols;
  const count = Math.min(size, Math.max(1, Math.round(fraction * size)));
  const order = Array.from({ length: size }, (_, i) => i);
  const rng = new Rng(config.task.seed, STREAMS.mask);
  for (let i = size - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const result = zeros(rows, cols);
  for (let i = 0; i < count; i++) result.data[order[i]!] = 1;
  return result;
}

/** m Gaussian measurement matrices, row i = vec(A_i) row-major, and y_i = ⟨A_i, Y⟩. */
function buildSensing(config: ResolvedConfig, target: Matrix): { a: Matrix; y: Float64Array } {
  const m = required(config.task.measurements, 'task.measurements', 'sensing needs the number of measurements m');
  return measure(new Rng(config.task.seed, STREAMS.measurements), m, target);
}

function measure(rng: Rng, m: number, target: Matrix): { a: Matrix; y: Float64Array } {
  const a = gaussianMatrix(rng, m, target.rows * target.cols);
  const y = matmul(a, { rows: target.data.length, cols: 1, data: target.data }).data;
  return { a, y };
}

function checkWidthsMatchTarget(widths: number[], target: Matrix): void {
  const n0 = widths[0];
  const nN = widths[widths.length - 1];
  if (n0 !== target.cols || nN !== target.rows) {
    throw new ConfigError(
      'network',
      widths,
      `input width n_0 must equal the target's columns (${target.cols}) and output width n_N its rows (${target.rows})`,
    );
  }
}

/** A field validation should have filled; missing means the config was not resolved properly. */
export function required<T>(value: T | undefined, field: string, fix: string): T {
  if (value === undefined) throw new ConfigError(field, value, fix);
  return value;
}
