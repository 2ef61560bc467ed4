import { afterAll, describe, expect, it } from 'vitest';
import { BatchedMatmul } from '../../src/kernels/matmul.js';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { fromArray, matmul, type Matrix } from '../../src/linalg/matrix.js';
import { netsData } from '../../src/engine/nets.js';
import { testGpu } from '../helpers/gpu.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

function randomFloats(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/** Relative error ‖gpu − ref‖_max / ‖ref‖_max; f32 accumulation over k terms stays ≲ k·2⁻²⁴. */
function relativeError(gpuValues: Float32Array, reference: Matrix[], size: number): number {
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

describe.skipIf(!gpu)('batched matmul kernel vs Float64', () => {
  const cases = [
    { m: 16, n: 16, k: 16, batch: 5, transA: false, transB: false },
    { m: 7, n: 13, k: 5, batch: 3, transA: true, transB: false },
    { m: 9, n: 6, k: 11, batch: 4, transA: false, transB: true },
    { m: 3, n: 10, k: 8, batch: 2, transA: true, transB: true },
    { m: 32, n: 32, k: 32, batch: 2, transA: false, transB: false },
    // Multiples of 4 take the vec4 entry point; every transpose combination.
    { m: 8, n: 12, k: 16, batch: 3, transA: true, transB: false },
    { m: 12, n: 8, k: 4, batch: 2, transA: false, transB: true },
    { m: 16, n: 8, k: 12, batch: 2, transA: true, transB: true },
    // Multiples of 8 take main_vec4_8x8 on software adapters; every transpose combination.
    { m: 24, n: 16, k: 12, batch: 3, transA: true, transB: false },
    { m: 16, n: 24, k: 8, batch: 2, transA: false, transB: true },
    { m: 8, n: 8, k: 20, batch: 2, transA: true, transB: true },
    // Multiples of 16 take main_vec4_16x16 on software adapters, N multiple of 32 main_vec4_16x32.
    { m: 32, n: 16, k: 8, batch: 3, transA: false, transB: false },
    { m: 16, n: 48, k: 12, batch: 2, transA: true, transB: false },
    { m: 48, n: 32, k: 20, batch: 2, transA: false, transB: true },
    { m: 16, n: 64, k: 4, batch: 3, transA: true, transB: true },
  ];
  /** The entry point matmul.ts must choose on a software adapter. */
  const softwareEntryPoint = (m: number, n: number, k: number): string => {
    if (![m, n, k].every((v) => v % 4 === 0)) return 'main';
    if (m % 16 === 0 && n % 32 === 0) return 'main_vec4_16x32';
    if (m % 16 === 0 && n % 16 === 0) return 'main_vec4_16x16';
    return m % 8 === 0 && n % 8 === 0 ? 'main_vec4_8x8' : 'main_vec4';
  };
  for (const c of cases) {
    it(`${c.batch}× (${c.m}×${c.k})·(${c.k}×${c.n}) transA=${c.transA} transB=${c.transB}`, async () => {
      const device = gpu!.device;
      const aData = randomFloats(c.batch * c.m * c.k, 1);
      const bData = randomFloats(c.batch * c.k * c.n, 2);
      const a = storageBuffer(device, 'a', aData.length, aData);
      const b = storageBuffer(device, 'b', bData.length, bData);
      const out = storageBuffer(device, 'c', c.batch * c.m * c.n);
      const kernel = new BatchedMatmul(device, { ...c, a, b, c: out });
      if (gpu!.adapter.isFallbackAdapter) expect(kernel.entryPoint).toBe(softwareEntryPoint(c.m, c.n, c.k));
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      kernel.encode(pass);
      pass.end();
      device.queue.submit([encoder.finish()]);
      const result = await readFloats(device, out, c.batch * c.m * c.n);
      gpu!.throwIfFailed();
      const reference = Array.from({ length: c.batch }, (_, i) => {
        const am = c.transA ? fromArray(c.k, c.m, aData, i * c.m * c.k) : fromArray(c.m, c.k, aData, i * c.m * c.k);
        const bm = c.transB ? fromArray(c.n, c.k, bData, i * c.k * c.n) : fromArray(c.k, c.n, bData, i * c.k * c.n);
        return matmul(am, bm, c.transA, c.transB);
      });
      expect(relativeError(result, reference, c.m * c.n)).toBeLessThan(c.k * 2 ** -22);
    });
  }

  it('broadcasts a shared right factor with stride 0 and applies the subtract epilogue', async () => {
    const device = gpu!.device;
    const batch = 3,
      m = 5,
      n = 4,
      k = 6;
    const aData = randomFloats(batch * m * k, 3);
    const bData = randomFloats(k * n, 4);
    const dData = randomFloats(m * n, 5);
    const a = storageBuffer(device, 'a', aData.length, aData);
    const b = storageBuffer(device, 'b', bData.length, bData);
    const d = storageBuffer(device, 'd', dData.length, dData);
    const out = storageBuffer(device, 'c', batch * m * n);
    const kernel = new BatchedMatmul(device, {
      batch,
      m,
      n,
      k,
      a,
      b,
      c: out,
      bStride: 0,
      epilogue: { kind: 'subtract', d, dStride: 0, alpha: 0.5 },
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    kernel.encode(pass);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const result = await readFloats(device, out, batch * m * n);
    const bm = fromArray(k, n, bData);
    const dm = fromArray(m, n, dData);
    const reference = Array.from({ length: batch }, (_, i) => {
      const p = matmul(fromArray(m, k, aData, i * m * k), bm);
      return { rows: m, cols: n, data: p.data.map((v, j) => 0.5 * v - dm.data[j]!) };
    });
    expect(relativeError(result, reference, m * n)).toBeLessThan(k * 2 ** -22);
  });

  // Every wide block stores through the same offsets as the other entry points; check them with
  // an offset C, a per-network D and the fused layer update on the shapes that take them.
  for (const [m, n] of [
    [16, 32],
    [32, 16],
    [16, 8],
  ] as const) {
    it(`epilogues at an offset on ${m}×${n} blocks: subtract, then the layer update with one network frozen`, async () => {
      const device = gpu!.device;
      const batch = 3,
        k = 8,
        offset = 12;
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
      new Uint32Array(netWords.buffer)[2 * 4 + 2] = 1; // network 2 frozen
      const nets = storageBuffer(device, 'nets', netWords.length, netWords);
      const subtract = new BatchedMatmul(device, {
        batch,
        m,
        n,
        k,
        a,
        b,
        c: out,
        cOffset: offset,
        epilogue: { kind: 'subtract', d, dStride: m * n, alpha: 2 },
      });
      const update = new BatchedMatmul(device, {
        batch,
        m,
        n,
        k,
        a,
        b,
        c: out,
        cOffset: offset,
        epilogue: { kind: 'layer-update', nets },
      });
      expect(update.entryPoint).toBe(subtract.entryPoint);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      subtract.encode(pass);
      update.encode(pass);
      pass.end();
      device.queue.submit([encoder.finish()]);
      const result = await readFloats(device, out, offset + batch * m * n);
      gpu!.throwIfFailed();
      expect(Array.from(result.subarray(0, offset))).toEqual(new Array(offset).fill(0));
      const reference = Array.from({ length: batch }, (_, i) => {
        const p = matmul(fromArray(m, k, aData, i * m * k), fromArray(k, n, bData, i * k * n));
        const { lr, weightDecay } = hyper[i]!;
        const data = p.data.map((v, j) => {
          const c = 2 * v - dData[i * m * n + j]!;
          return i === 2 ? c : (1 - lr * weightDecay) * c - lr * v;
        });
        return { rows: m, cols: n, data };
      });
      expect(relativeError(result.subarray(offset), reference, m * n)).toBeLessThan(k * 2 ** -21);
    });
  }
});
