/**
 * BatchedMatmul against the Float64 product, shared by the kernel tests on the adapter's own
 * class (matmul.gpu.test.ts) and on the forced hardware class (matmul-hardware.gpu.test.ts).
 */
import { expect } from 'vitest';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { netsData, NET_FLOATS, netWord } from '../../src/engine/nets.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { BatchedMatmul } from '../../src/kernels/matmul.js';
import { fromArray, matmul, type Matrix } from '../../src/linalg/matrix.js';
import { dispatchOnce } from './gpu.js';

export function randomFloats(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/** Relative error ‖gpu − ref‖_max / ‖ref‖_max; f32 accumulation over k terms stays ≲ k·2⁻²⁴. */
export function relativeError(gpuValues: Float32Array, reference: Matrix[], size: number): number {
  let diff = 0;
  let scale = 0;
  reference.forEach((ref, b) => {
    for (let i = 0; i < size; i++) {
      diff = Math.max(diff, Math.abs(gpuValues[b * size + i]! - ref.data[i]!));
      scale = Math.max(scale, Math.abs(ref.data[i]!));
    }
  });
  return diff / scale;
}

export interface ProductCase {
  m: number;
  n: number;
  k: number;
  batch: number;
  transA: boolean;
  transB: boolean;
}

/** op(A_b)·op(B_b) for every network in Float64, from the f32 inputs. */
function referenceProducts(c: ProductCase, aData: Float32Array, bData: Float32Array): Matrix[] {
  return Array.from({ length: c.batch }, (_, i) => {
    const am = c.transA ? fromArray(c.k, c.m, aData, i * c.m * c.k) : fromArray(c.m, c.k, aData, i * c.m * c.k);
    const bm = c.transB ? fromArray(c.n, c.k, bData, i * c.k * c.n) : fromArray(c.k, c.n, bData, i * c.k * c.n);
    return matmul(am, bm, c.transA, c.transB);
  });
}

/** One product with the store epilogue: the entry point chosen and the relative error. */
export async function checkProduct(gpu: GpuContext, c: ProductCase) {
  const device = gpu.device;
  const aData = randomFloats(c.batch * c.m * c.k, 1);
  const bData = randomFloats(c.batch * c.k * c.n, 2);
  const a = storageBuffer(device, 'a', aData.length, aData);
  const b = storageBuffer(device, 'b', bData.length, bData);
  const out = storageBuffer(device, 'c', c.batch * c.m * c.n);
  const kernel = new BatchedMatmul(device, { ...c, a, b, c: out });
  dispatchOnce(device, kernel);
  const result = await readFloats(device, out, c.batch * c.m * c.n);
  gpu.throwIfFailed();
  return { entryPoint: kernel.entryPoint, error: relativeError(result, referenceProducts(c, aData, bData), c.m * c.n) };
}

/**
 * The subtract epilogue (alpha 2, a per-network D) into C at an offset, then the fused layer
 * update on the same C with one network of three frozen, as one pass. Checks that nothing is
 * written before the offset; returns the entry point both took and the relative error.
 */
export async function checkEpilogues(gpu: GpuContext, c: ProductCase) {
  const device = gpu.device;
  const { m, n, k } = c;
  const batch = 3;
  const offset = 12;
  const aData = randomFloats(batch * m * k, 6);
  const bData = randomFloats(batch * k * n, 7);
  const dData = randomFloats(batch * m * n, 8);
  const a = storageBuffer(device, 'a', aData.length, aData);
  const b = storageBuffer(device, 'b', bData.length, bData);
  const d = storageBuffer(device, 'd', dData.length, dData);
  const out = storageBuffer(device, 'c', offset + batch * m * n);
  const hyper = [
    { lr: 0.5, weightDecay: 0.2 },
    { lr: 0.25, weightDecay: 0 },
    { lr: 1, weightDecay: 0 },
  ];
  const netWords = netsData(hyper);
  new Uint32Array(netWords.buffer)[2 * NET_FLOATS + netWord('frozen')] = 1;
  const nets = storageBuffer(device, 'nets', netWords.length, netWords);
  const spec = { ...c, batch, a, b, c: out, cOffset: offset };
  const subtract = new BatchedMatmul(device, { ...spec, epilogue: { kind: 'subtract', d, dStride: m * n, alpha: 2 } });
  const update = new BatchedMatmul(device, { ...spec, epilogue: { kind: 'layer-update', nets } });
  expect(update.entryPoint).toBe(subtract.entryPoint);
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  subtract.encode(pass);
  update.encode(pass);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const result = await readFloats(device, out, offset + batch * m * n);
  gpu.throwIfFailed();
  expect(Array.from(result.subarray(0, offset))).toEqual(new Array(offset).fill(0));
  const reference = referenceProducts({ ...c, batch }, aData, bData).map((p, i) => {
    const { lr, weightDecay } = hyper[i]!;
    const data = p.data.map((v, j) => {
      const subtracted = 2 * v - dData[i * m * n + j]!;
      return i === 2 ? subtracted : (1 - lr * weightDecay) * subtracted - lr * v;
    });
    return { rows: m, cols: n, data };
  });
  return { entryPoint: update.entryPoint, error: relativeError(result.subarray(offset), reference, m * n) };
}

/** A shared right factor (stride 0) with the subtract epilogue and a shared D (stride 0). */
export async function checkBroadcast(gpu: GpuContext, c: Omit<ProductCase, 'transA' | 'transB'>) {
  const device = gpu.device;
  const { batch, m, n, k } = c;
  const aData = randomFloats(batch * m * k, 3);
  const bData = randomFloats(k * n, 4);
  const dData = randomFloats(m * n, 5);
  const a = storageBuffer(device, 'a', aData.length, aData);
  const b = storageBuffer(device, 'b', bData.length, bData);
  const d = storageBuffer(device, 'd', dData.length, dData);
  const out = storageBuffer(device, 'c', batch * m * n);
  const kernel = new BatchedMatmul(device, {
    ...c,
    a,
    b,
    c: out,
    bStride: 0,
    epilogue: { kind: 'subtract', d, dStride: 0, alpha: 0.5 },
  });
  dispatchOnce(device, kernel);
  const result = await readFloats(device, out, batch * m * n);
  gpu.throwIfFailed();
  const bm = fromArray(k, n, bData);
  const reference = Array.from({ length: batch }, (_, i) => {
    const p = matmul(fromArray(m, k, aData, i * m * k), bm);
    return { rows: m, cols: n, data: p.data.map((v, j) => 0.5 * v - dData[j]!) };
  });
  return { entryPoint: kernel.entryPoint, error: relativeError(result, reference, m * n) };
}
