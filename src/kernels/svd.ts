/**
 * Kernel wrapper for shaders/svd.wgsl: singular values (and optionally vectors) of a batch of
 * ROWS×COLS matrices by one-sided Jacobi, one workgroup per matrix. It runs at record steps only,
 * so it favours accuracy and reproducibility (fixed-order sums, no float atomics) over speed.
 */
import source from '../../shaders/svd.wgsl?raw';
import { DeviceLimitError } from '../errors.js';
import { formatBytes, storageBuffer } from '../gpu/buffers.js';
import { bindBuffers, computePipeline, workgroupGrid } from '../gpu/pipelines.js';

/**
 * Stop when a sweep finds every column pair with |γ| ≤ tol·√(αβ): all pairs orthogonal to within
 * an angle of 1e-6 rad, which is what the computed U and V columns keep (UᵀU = I to ~2e-6).
 * Values do not improve beyond it: the f32 rounding of the rotations bounds them at ~1e-6·σ₁
 * (2e-6 at 64×64, 4e-6 at 128×128 on SwiftShader) for tolerances 1e-5 to 1e-7, while each decade
 * tighter costs about one more sweep (64×64 Gaussian: 8.8, 9.0, 10.4 sweeps).
 */
export const SVD_DEFAULT_TOLERANCE = 1e-6;
/**
 * Pairs with |γ| ≤ absTol²·‖A‖²_F / r also stop rotating, which moves no singular value by more
 * than absTol·‖A‖_F (Weyl's bound on the Gram matrix's remaining off-diagonal): far below the
 * ~1e-6·σ₁ rounding floor above, yet it spares the sweeps that columns of f32 noise (the tiny
 * singular values of a deep product) would otherwise spend failing the relative test.
 */
export const SVD_DEFAULT_ABS_TOLERANCE = 1e-7;
/** Jacobi converges quadratically: 4–11 sweeps for 5×12 to 128×128 matrices; 30 is a safety net. */
export const SVD_DEFAULT_MAX_SWEEPS = 30;

export interface SvdSpec {
  batch: number;
  rows: number;
  cols: number;
  /** Matrix b is rows×cols row-major at input[inputOffset + b·inputStride] (floats). */
  input: GPUBuffer;
  /** Default rows·cols. */
  inputStride?: number;
  inputOffset?: number;
  /** r = min(rows, cols) values per matrix, descending, at values[valuesOffset + b·r]. */
  values: GPUBuffer;
  valuesOffset?: number;
  /**
   * U_b (rows×r) at u[b·rows·r], V_b (cols×r) at v[b·cols·r], row-major, columns in the order of
   * the values. A column of the factor with more rows (U, or V when rows < cols) is zero where
   * σ = 0; the other factor is always orthonormal.
   */
  vectors?: { u: GPUBuffer; v: GPUBuffer };
  /** One u32 per matrix: sweeps run (the last rotation-free), maxSweeps + 1 if unconverged. */
  sweeps?: GPUBuffer;
  /** Orthogonality tolerance on |γ|/√(αβ); default SVD_DEFAULT_TOLERANCE. */
  tolerance?: number;
  /**
   * Factor A = QR first and orthogonalise Rᵀ's columns (values only; see svd.wgsl): 2–3× fewer
   * sweeps on the graded spectra of trained products. Default: true without vectors.
   */
  precondition?: boolean;
  /** Absolute floor of the orthogonality test, relative to ‖A‖_F; default SVD_DEFAULT_ABS_TOLERANCE. */
  absTolerance?: number;
  maxSweeps?: number;
  /**
   * Where the working matrices live: 'workgroup' memory (fast, limited by the device's
   * maxComputeWorkgroupStorageSize), a 'storage' scratch buffer, or 'auto': workgroup when it fits.
   */
  memory?: 'auto' | 'workgroup' | 'storage';
  /** Invocations per column pair (a power of two is not required); default svdPairThreads(). */
  pairThreads?: number;
  label?: string;
}

/** Floats each output buffer must hold (beyond valuesOffset for `values`). */
export function svdOutputFloats(batch: number, rows: number, cols: number): { values: number; u: number; v: number } {
  const r = Math.min(rows, cols);
  return { values: batch * r, u: batch * rows * r, v: batch * cols * r };
}

export class BatchedSvd {
  /** Where the working matrices live, as resolved from `memory`. */
  readonly memory: 'workgroup' | 'storage';
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: [number, number];

  constructor(device: GPUDevice, spec: SvdSpec) {
    const { batch, rows, cols } = spec;
    const label = spec.label ?? 'svd';
    for (const [name, value] of [['batch', batch], ['rows', rows], ['cols', cols]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${label}: ${name} must be a positive integer, got ${value}`);
    }
    const tolerance = spec.tolerance ?? SVD_DEFAULT_TOLERANCE;
    const maxSweeps = spec.maxSweeps ?? SVD_DEFAULT_MAX_SWEEPS;
    const absTolerance = spec.absTolerance ?? SVD_DEFAULT_ABS_TOLERANCE;
    if (!(tolerance > 0 && tolerance < 1)) throw new RangeError(`${label}: tolerance must be in (0, 1), got ${tolerance}`);
    if (!(absTolerance >= 0 && absTolerance < 1)) throw new RangeError(`${label}: absTolerance must be in [0, 1), got ${absTolerance}`);
    if (!Number.isInteger(maxSweeps) || maxSweeps < 1) throw new RangeError(`${label}: maxSweeps must be a positive integer, got ${maxSweeps}`);
    const precondition = spec.precondition ?? !spec.vectors;
    if (precondition && spec.vectors) throw new RangeError(`${label}: the QR preconditioner gives singular values only; ask for vectors without it`);
    const r = Math.min(rows, cols);
    const m = Math.max(rows, cols);
    const inputStride = spec.inputStride ?? rows * cols;
    const inputOffset = spec.inputOffset ?? 0;
    const valuesOffset = spec.valuesOffset ?? 0;
    const outputs = svdOutputFloats(batch, rows, cols);
    requireFloats(label, 'input', spec.input, inputOffset + (batch - 1) * inputStride + rows * cols);
    requireFloats(label, 'values', spec.values, valuesOffset + outputs.values);
    if (spec.vectors) {
      requireFloats(label, 'u', spec.vectors.u, outputs.u);
      requireFloats(label, 'v', spec.vectors.v, outputs.v);
    }
    if (spec.sweeps) requireFloats(label, 'sweeps', spec.sweeps, batch);

    const pairs = Math.ceil(r / 2);
    const limits = device.limits;
    const maxInvocations = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
    if (pairs > maxInvocations) {
      throw new DeviceLimitError(
        `${label}: a ${rows}×${cols} SVD rotates ${pairs} column pairs at once, one invocation each, but this device allows ` +
          `${maxInvocations} invocations per workgroup. Use matrices with min(rows, cols) ≤ ${2 * maxInvocations}, or compute spectra on the CPU (record.spectra = 'exact').`,
      );
    }
    const pairThreads = spec.pairThreads ?? svdPairThreads(device, rows, cols);
    if (!Number.isInteger(pairThreads) || pairThreads < 1 || pairs * pairThreads > maxInvocations) {
      throw new RangeError(`${label}: pairThreads = ${pairThreads} needs ${pairs}·${pairThreads} invocations per workgroup; this device allows ${maxInvocations}.`);
    }
    const workgroupSize = pairs * pairThreads;
    const workFloats = m * r + (spec.vectors ? r * r : 0);
    // Each workgroup variable rounded up to 16 bytes, as Dawn counts them.
    const pad = (bytes: number) => Math.ceil(bytes / 16) * 16;
    const fixedBytes = 3 * pad(4 * workgroupSize) + 2 * pad(4 * r) + 3 * 16;
    const sharedBytes = pad(4 * workFloats) + fixedBytes;
    const available = limits.maxComputeWorkgroupStorageSize;
    const requested = spec.memory ?? 'auto';
    this.memory = requested === 'auto' ? (sharedBytes <= available ? 'workgroup' : 'storage') : requested;
    if (this.memory === 'workgroup' && sharedBytes > available) {
      throw new DeviceLimitError(
        `${label}: a ${rows}×${cols} SVD${spec.vectors ? ' with vectors' : ''} needs ${formatBytes(sharedBytes)} of workgroup memory but this device ` +
          `offers ${formatBytes(available)}. Use memory: 'storage' or 'auto' (a scratch buffer instead).`,
      );
    }

    const inWorkgroup = this.memory === 'workgroup';
    const constants = {
      ROWS: rows,
      COLS: cols,
      R: r,
      BATCH: batch,
      IN_STRIDE: inputStride,
      IN_OFFSET: inputOffset,
      OUT_OFFSET: valuesOffset,
      WANT_VECTORS: spec.vectors !== undefined,
      WANT_SWEEPS: spec.sweeps !== undefined,
      PRECONDITION: precondition,
      IN_WORKGROUP: inWorkgroup,
      WORK_FLOATS: workFloats,
      SHARED_FLOATS: inWorkgroup ? workFloats : 1,
      PAIR_THREADS: pairThreads,
      WG: workgroupSize,
      TOL: tolerance,
      ABS_TOL: absTolerance,
      MAX_SWEEPS: maxSweeps,
    };
    this.pipeline = computePipeline(device, 'svd', source, constants);
    // Unused read-write bindings get distinct placeholders: WebGPU rejects aliased writable bindings.
    const buffers = [
      spec.input,
      spec.values,
      spec.vectors?.u ?? placeholder(device, 'u'),
      spec.vectors?.v ?? placeholder(device, 'v'),
      inWorkgroup ? placeholder(device, 'scratch') : sharedScratch(device, batch * workFloats),
      spec.sweeps ?? placeholder(device, 'sweeps'),
    ];
    this.bindGroup = bindBuffers(device, this.pipeline, buffers, label);
    this.grid = workgroupGrid(device, batch);
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1]);
  }
}

/**
 * Default invocations per column pair. T of them split a round's dot products (M/T rows each),
 * then each re-adds the 3T partials, so T ≈ √(M/3) minimises a round's latency on a GPU.
 * Software adapters (SwiftShader) run a workgroup's invocations one after another, where extra
 * invocations only add work and a barrier per round: T = 1 is 2–3× faster there.
 */
export function svdPairThreads(device: GPUDevice, rows: number, cols: number): number {
  if (device.adapterInfo?.isFallbackAdapter) return 1;
  const m = Math.max(rows, cols);
  const pairs = Math.ceil(Math.min(rows, cols) / 2);
  const maxInvocations = Math.min(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX, 256);
  let threads = 1;
  while (3 * (2 * threads) ** 2 <= m && pairs * threads * 2 <= maxInvocations) threads *= 2;
  return threads;
}

function requireFloats(label: string, name: string, buffer: GPUBuffer, floats: number): void {
  if (buffer.size < floats * 4) {
    throw new RangeError(`${label}: buffer \`${name}\` holds ${buffer.size / 4} floats but the SVD needs ${floats}.`);
  }
}

const placeholders = new WeakMap<GPUDevice, Map<string, GPUBuffer>>();
function placeholder(device: GPUDevice, role: string): GPUBuffer {
  let byRole = placeholders.get(device);
  if (!byRole) placeholders.set(device, (byRole = new Map()));
  let buffer = byRole.get(role);
  if (!buffer) {
    buffer = device.createBuffer({ label: `svd placeholder ${role}`, size: 16, usage: GPUBufferUsage.STORAGE });
    byRole.set(role, buffer);
  }
  return buffer;
}

/**
 * Scratch for the storage strategy, one per device and size: the engine builds an SVD per record
 * slot and layer, and WebGPU orders dispatches that write the same buffer, so they can share it.
 */
const scratches = new WeakMap<GPUDevice, Map<number, GPUBuffer>>();
function sharedScratch(device: GPUDevice, floats: number): GPUBuffer {
  let bySize = scratches.get(device);
  if (!bySize) scratches.set(device, (bySize = new Map()));
  let buffer = bySize.get(floats);
  if (!buffer) {
    buffer = storageBuffer(device, `svd scratch (${floats} floats)`, floats);
    bySize.set(floats, buffer);
  }
  return buffer;
}
