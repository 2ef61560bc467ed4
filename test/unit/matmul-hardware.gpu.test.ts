/**
 * The matmul entry points chosen only on hardware adapters, run on whatever adapter the tests
 * have (SwiftShader in CI) by forcing the hardware class (DLNSIM_FORCE_ADAPTER_CLASS=hardware):
 * main_tiled (every transpose combination, every epilogue, broadcast, batches), main_vec4_8x8 at
 * the invocation count where hardware takes it, and the hardware choice for smaller shapes.
 * Tolerances as in matmul.gpu.test.ts: f32 accumulation over k terms stays ≲ k·2⁻²⁴, allowed
 * k·2⁻²² (k·2⁻²¹ for the two chained epilogues).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DlnsimError } from '../../src/errors.js';
import { isSoftwareDevice } from '../../src/gpu/device.js';
import { testGpu, withAdapterClass } from '../helpers/gpu.js';
import { checkBroadcast, checkEpilogues, checkProduct, type ProductCase } from '../helpers/matmul.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const hardware = <T>(body: () => Promise<T>) => withAdapterClass('hardware', body);

describe.skipIf(!gpu)('matmul kernels chosen on hardware adapters, forced, vs Float64', () => {
  it('the forced class is what the choice sees, and the adapter report stays the truth', async () => {
    const reported = gpu!.adapter.isFallbackAdapter;
    await hardware(async () => expect(isSoftwareDevice(gpu!.device)).toBe(false));
    await withAdapterClass('software', async () => expect(isSoftwareDevice(gpu!.device)).toBe(true));
    expect(gpu!.adapter.isFallbackAdapter).toBe(reported);
  });

  it('a bad value of the variable is a DlnsimError naming it and the allowed values', async () => {
    await withAdapterClass('gpu', async () => {
      expect(() => isSoftwareDevice(gpu!.device)).toThrow(DlnsimError);
      expect(() => isSoftwareDevice(gpu!.device)).toThrow(
        /DLNSIM_FORCE_ADAPTER_CLASS = "gpu": use "hardware" or "software", or leave it unset/,
      );
    });
  });

  const tiledCases: ProductCase[] = [
    { m: 64, n: 64, k: 64, batch: 2, transA: false, transB: false },
    { m: 64, n: 64, k: 32, batch: 2, transA: true, transB: false },
    { m: 64, n: 64, k: 48, batch: 2, transA: false, transB: true },
    { m: 64, n: 64, k: 16, batch: 2, transA: true, transB: true },
    // Several tiles per network, not square, K longer than the tile.
    { m: 128, n: 64, k: 80, batch: 3, transA: false, transB: false },
    { m: 64, n: 128, k: 32, batch: 2, transA: true, transB: true },
  ];
  for (const c of tiledCases) {
    it(`main_tiled: ${c.batch}× (${c.m}×${c.k})·(${c.k}×${c.n}) transA=${c.transA} transB=${c.transB}`, async () => {
      const { entryPoint, error } = await hardware(() => checkProduct(gpu!, c));
      expect(entryPoint).toBe('main_tiled');
      expect(error).toBeLessThan(c.k * 2 ** -22);
    });
  }

  for (const [transA, transB] of [
    [false, false],
    [true, true],
  ] as const) {
    it(`main_tiled epilogues at an offset, transA=${transA} transB=${transB}: subtract, then the layer update with one network frozen`, async () => {
      const k = 32;
      const { entryPoint, error } = await hardware(() =>
        checkEpilogues(gpu!, { m: 64, n: 64, k, batch: 3, transA, transB }),
      );
      expect(entryPoint).toBe('main_tiled');
      expect(error).toBeLessThan(k * 2 ** -21);
    });
  }

  it('main_tiled broadcasts a shared right factor and D with stride 0', async () => {
    const k = 64;
    const { entryPoint, error } = await hardware(() => checkBroadcast(gpu!, { batch: 2, m: 64, n: 64, k }));
    expect(entryPoint).toBe('main_tiled');
    expect(error).toBeLessThan(k * 2 ** -22);
  });

  // Hardware takes 8×8 blocks only from 16,384 invocations on: 256 networks of 64×64 (k = 8 is
  // no multiple of the tiled kernel's 16). Below that, and off the tile, the 4×4 blocks.
  const otherCases: [ProductCase, string][] = [
    [{ m: 64, n: 64, k: 8, batch: 256, transA: false, transB: true }, 'main_vec4_8x8'],
    [{ m: 64, n: 64, k: 8, batch: 2, transA: true, transB: false }, 'main_vec4'],
    [{ m: 48, n: 32, k: 20, batch: 2, transA: false, transB: true }, 'main_vec4'],
    [{ m: 9, n: 6, k: 11, batch: 4, transA: false, transB: true }, 'main'],
  ];
  for (const [c, expected] of otherCases) {
    it(`${expected}: ${c.batch}× (${c.m}×${c.k})·(${c.k}×${c.n}) transA=${c.transA} transB=${c.transB}`, async () => {
      const { entryPoint, error } = await hardware(() => checkProduct(gpu!, c));
      expect(entryPoint).toBe(expected);
      expect(error).toBeLessThan(c.k * 2 ** -22);
    });
  }
});
