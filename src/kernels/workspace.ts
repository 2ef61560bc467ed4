/**
 * What the matrix-decomposition kernels (svd.ts, singular-values.ts) share on the host: where a
 * workgroup keeps its working matrix, the scratch buffers behind the storage strategy, the
 * placeholders for unused bindings, and the buffer size checks.
 */
import prelude from '../../shaders/work-matrix.wgsl?raw';
import { DeviceLimitError, invariant } from '../errors.js';
import { formatBytes, storageBuffer } from '../gpu/buffers.js';
import { composeWgsl } from './wgsl.js';

export type WorkMemory = 'workgroup' | 'storage';

/** A decomposition kernel's WGSL with the shared working-matrix code (work-matrix.wgsl) in front. */
export function withWorkMatrix(source: string): string {
  return composeWgsl(prelude, source);
}

/** What every decomposition kernel takes: a batch of matrices in, r = min(rows, cols) values out. */
export interface MatrixBatchSpec {
  batch: number;
  rows: number;
  cols: number;
  /** Matrix b is rows×cols row-major at input[inputOffset + b·inputStride] (floats). */
  input: GPUBuffer;
  /** Default rows·cols. */
  inputStride?: number;
  inputOffset?: number;
  /** r values per matrix, descending, at values[valuesOffset + b·r]. */
  values: GPUBuffer;
  valuesOffset?: number;
  /** Where the working matrices live; 'auto': workgroup memory when they fit, else storage scratch. */
  memory?: 'auto' | WorkMemory;
  label?: string;
}

/** The spec checked (positive integer shape, buffers large enough) and its defaults filled in. */
export function resolveMatrixBatch(spec: MatrixBatchSpec, defaultLabel: string) {
  const { batch, rows, cols } = spec;
  const label = spec.label ?? defaultLabel;
  for (const [name, value] of [
    ['batch', batch],
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    invariant(
      Number.isInteger(value) && value >= 1,
      () => `${label}: ${name} must be a positive integer, got ${value}`,
    );
  }
  const r = Math.min(rows, cols);
  const resolved = {
    batch,
    rows,
    cols,
    label,
    r,
    m: Math.max(rows, cols),
    inputStride: spec.inputStride ?? rows * cols,
    inputOffset: spec.inputOffset ?? 0,
    valuesOffset: spec.valuesOffset ?? 0,
  };
  requireFloats(label, 'input', spec.input, resolved.inputOffset + (batch - 1) * resolved.inputStride + rows * cols);
  requireFloats(label, 'values', spec.values, resolved.valuesOffset + batch * r);
  return resolved;
}

export type ResolvedMatrixBatch = ReturnType<typeof resolveMatrixBatch>;

/** work-matrix.wgsl's override constants, and the buffer behind its `scratch` binding. */
export function workMatrixSetup(
  device: GPUDevice,
  batch: ResolvedMatrixBatch,
  memory: WorkMemory,
  workFloats: number,
  workgroupSize: number,
) {
  const inWorkgroup = memory === 'workgroup';
  return {
    constants: {
      ROWS: batch.rows,
      COLS: batch.cols,
      R: batch.r,
      BATCH: batch.batch,
      IN_STRIDE: batch.inputStride,
      IN_OFFSET: batch.inputOffset,
      OUT_OFFSET: batch.valuesOffset,
      IN_WORKGROUP: inWorkgroup,
      WORK_FLOATS: workFloats,
      SHARED_FLOATS: inWorkgroup ? workFloats : 1,
      WG: workgroupSize,
    },
    scratch: inWorkgroup ? placeholder(device, 'scratch') : sharedScratch(device, batch.batch * workFloats),
  };
}

/** Bytes of work-matrix.wgsl's workgroup variables besides `work`: two WG arrays and two scalars. */
export function workMatrixFixedBytes(workgroupSize: number): number {
  return 2 * workgroupBytes(workgroupSize) + 2 * 16;
}

/** Bytes of one workgroup variable of `floats` f32s, rounded up to 16 as Dawn counts them. */
export function workgroupBytes(floats: number): number {
  return Math.ceil((4 * floats) / 16) * 16;
}

/**
 * Workgroup memory when the working matrix (`sharedBytes` with the kernel's other workgroup
 * variables) fits the device's maxComputeWorkgroupStorageSize, else a storage scratch buffer; an
 * explicit 'workgroup' that does not fit is an error naming the fix.
 */
export function chooseWorkMemory(
  device: GPUDevice,
  requested: 'auto' | WorkMemory,
  sharedBytes: number,
  what: string,
): WorkMemory {
  const available = device.limits.maxComputeWorkgroupStorageSize;
  const memory = requested === 'auto' ? (sharedBytes <= available ? 'workgroup' : 'storage') : requested;
  if (memory === 'workgroup' && sharedBytes > available) {
    throw new DeviceLimitError(
      `${what} needs ${formatBytes(sharedBytes)} of workgroup memory but this device offers ${formatBytes(available)}. ` +
        `Use memory: 'storage' or 'auto' (a scratch buffer instead).`,
    );
  }
  return memory;
}

/** The most invocations a one-dimensional workgroup (@workgroup_size(WG)) may have on this device. */
export function maxWorkgroupInvocations(device: GPUDevice): number {
  return Math.min(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupSizeX);
}

export function requireFloats(label: string, name: string, buffer: GPUBuffer, floats: number): void {
  invariant(
    buffer.size >= floats * 4,
    () => `${label}: buffer \`${name}\` holds ${buffer.size / 4} floats but the kernel needs ${floats}.`,
  );
}

const deviceBuffers = new WeakMap<GPUDevice, Map<string, GPUBuffer>>();
/** One buffer per device and key, made by `create` on first use and shared by every kernel after. */
function deviceBuffer(device: GPUDevice, key: string, create: () => GPUBuffer): GPUBuffer {
  let byKey = deviceBuffers.get(device);
  if (!byKey) deviceBuffers.set(device, (byKey = new Map()));
  let buffer = byKey.get(key);
  if (!buffer) byKey.set(key, (buffer = create()));
  return buffer;
}

/**
 * A 16-byte buffer for a binding the pipeline declares but this configuration never touches, one
 * per role: WebGPU rejects one buffer bound twice where either binding is writable.
 */
export function placeholder(device: GPUDevice, role: string): GPUBuffer {
  return deviceBuffer(device, `placeholder ${role}`, () =>
    device.createBuffer({ label: `placeholder ${role}`, size: 16, usage: GPUBufferUsage.STORAGE }),
  );
}

/**
 * Scratch for the storage strategy, one per device and size: the engine builds a decomposition per
 * record slot and layer, and WebGPU orders dispatches that write the same buffer, so they can
 * share it.
 */
export function sharedScratch(device: GPUDevice, floats: number): GPUBuffer {
  return deviceBuffer(device, `scratch ${floats}`, () =>
    storageBuffer(device, `decomposition scratch (${floats} floats)`, floats),
  );
}
