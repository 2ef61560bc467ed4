/**
 * The GPU every GPU test file shares. Without an adapter the tests fail (CI must never pass by
 * skipping), unless DLNSIM_ALLOW_NO_GPU=1 says this machine is known to have none.
 */
import { acquireDevice, FORCE_ADAPTER_CLASS_VARIABLE, type GpuContext } from '../../src/gpu/device.js';
import { storageBuffer } from '../../src/gpu/buffers.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { packBatch } from './matrices.js';

export const allowNoGpu = process.env.DLNSIM_ALLOW_NO_GPU === '1';

let shared: Promise<GpuContext | null> | null = null;

export function testGpu(): Promise<GpuContext | null> {
  shared ??= acquireDevice().catch((error: unknown) => {
    if (allowNoGpu) return null;
    throw error;
  });
  return shared;
}

/**
 * Runs `body` with DLNSIM_FORCE_ADAPTER_CLASS set to `value`, as a user would set it, and restores
 * the variable afterwards: kernels created inside choose as on that adapter class.
 */
export async function withAdapterClass<T>(value: string, body: () => T | Promise<T>): Promise<T> {
  const saved = process.env[FORCE_ADAPTER_CLASS_VARIABLE];
  process.env[FORCE_ADAPTER_CLASS_VARIABLE] = value;
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env[FORCE_ADAPTER_CLASS_VARIABLE];
    else process.env[FORCE_ADAPTER_CLASS_VARIABLE] = saved;
  }
}

/** Encodes one kernel in its own pass and submits it. */
export function dispatchOnce(device: GPUDevice, kernel: { encode(pass: GPUComputePassEncoder): void }): void {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  kernel.encode(pass);
  pass.end();
  device.queue.submit([encoder.finish()]);
}

/** What a decomposition test fills values with first, to catch writes outside the batch's slots. */
export const SENTINEL = -7;

/** Where a decomposition kernel reads its matrices and writes its values (floats). */
export interface BatchLayout {
  inputOffset?: number;
  inputStride?: number;
  valuesOffset?: number;
}

/**
 * Buffers for one decomposition dispatch over `matrices` (all rows×cols), laid out as `layout`
 * says. Gaps in the input (before inputOffset, between strided matrices) hold NaN, so reading
 * outside a matrix poisons its values; `values` starts as SENTINEL, with 3 spare floats past the
 * batch's r values per matrix.
 */
export function decompositionBuffers(device: GPUDevice, matrices: Matrix[], layout: BatchLayout = {}) {
  const { rows, cols } = matrices[0]!;
  const batch = matrices.length;
  const inputOffset = layout.inputOffset ?? 0;
  const inputStride = layout.inputStride ?? rows * cols;
  const valuesOffset = layout.valuesOffset ?? 0;
  const data = packBatch(matrices, inputOffset, inputStride);
  const valueFloats = valuesOffset + batch * Math.min(rows, cols) + 3;
  const input = storageBuffer(device, 'decomposition input', data.length, data);
  const values = storageBuffer(
    device,
    'decomposition values',
    valueFloats,
    new Float32Array(valueFloats).fill(SENTINEL),
  );
  return { batch, rows, cols, inputOffset, inputStride, valuesOffset, input, values, valueFloats };
}
