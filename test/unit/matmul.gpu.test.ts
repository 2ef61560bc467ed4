import { afterAll, describe, expect, it } from 'vitest';
import { BatchedMatmul } from '../../src/kernels/matmul.js';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { fromArray, matmul, type Matrix } from '../../src/linalg/matrix.js';
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
  ];
  for (const c of cases) {
    it(`${c.batch}× (${c.m}×${c.k})·(${c.k}×${c.n}) transA=${c.transA} transB=${c.transB}`, async () => {
      const device = gpu!.device;
      const aData = randomFloats(c.batch * c.m * c.k, 1);
      const bData = randomFloats(c.batch * c.k * c.n, 2);
      const a = storageBuffer(device, 'a', aData.length, aData);
      const b = storageBuffer(device, 'b', bData.length, bData);
      const out = storageBuffer(device, 'c', c.batch * c.m * c.n);
      const kernel = new BatchedMatmul(device, { ...c, a, b, c: out });
      const aligned = [c.m, c.n, c.k].every((v) => v % 4 === 0);
      const wide = aligned && c.m % 8 === 0 && c.n % 8 === 0 && gpu!.adapter.isFallbackAdapter;
      if (gpu!.adapter.isFallbackAdapter) expect(kernel.entryPoint).toBe(wide ? 'main_vec4_8x8' : aligned ? 'main_vec4' : 'main');
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
    const batch = 3, m = 5, n = 4, k = 6;
    const aData = randomFloats(batch * m * k, 3);
    const bData = randomFloats(k * n, 4);
    const dData = randomFloats(m * n, 5);
    const a = storageBuffer(device, 'a', aData.length, aData);
    const b = storageBuffer(device, 'b', bData.length, bData);
    const d = storageBuffer(device, 'd', dData.length, dData);
    const out = storageBuffer(device, 'c', batch * m * n);
    const kernel = new BatchedMatmul(device, { batch, m, n, k, a, b, c: out, bStride: 0, epilogue: { kind: 'subtract', d, dStride: 0, alpha: 0.5 } });
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
});
