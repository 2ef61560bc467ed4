import { afterAll, describe, expect, it } from 'vitest';
import { isSoftwareDevice } from '../../src/gpu/device.js';
import { testGpu } from '../helpers/gpu.js';
import { checkBroadcast, checkEpilogues, checkProduct } from '../helpers/matmul.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

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
      const { entryPoint, error } = await checkProduct(gpu!, c);
      if (isSoftwareDevice(gpu!.device)) expect(entryPoint).toBe(softwareEntryPoint(c.m, c.n, c.k));
      expect(error).toBeLessThan(c.k * 2 ** -22);
    });
  }

  it('broadcasts a shared right factor with stride 0 and applies the subtract epilogue', async () => {
    const k = 6;
    expect((await checkBroadcast(gpu!, { batch: 3, m: 5, n: 4, k })).error).toBeLessThan(k * 2 ** -22);
  });

  // Every wide block stores through the same offsets as the other entry points; check them with
  // an offset C, a per-network D and the fused layer update on the shapes that take them.
  for (const [m, n] of [
    [16, 32],
    [32, 16],
    [16, 8],
  ] as const) {
    it(`epilogues at an offset on ${m}×${n} blocks: subtract, then the layer update with one network frozen`, async () => {
      const k = 8;
      const { error } = await checkEpilogues(gpu!, { m, n, k, batch: 3, transA: false, transB: false });
      expect(error).toBeLessThan(k * 2 ** -21);
    });
  }
});
