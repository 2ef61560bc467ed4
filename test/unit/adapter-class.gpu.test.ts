/**
 * One experiment run end to end with the kernels a hardware adapter chooses
 * (DLNSIM_FORCE_ADAPTER_CLASS=hardware) and with the adapter's own choice: the same training in
 * other kernels (main_tiled products at width 64, the fused step and the hardware workgroup of the
 * singular values kernel at width 8) must record the same losses and spectra.
 *
 * Tolerance: the two runs start from the same f32 weights and differ only in the order of f32
 * sums, by ~k·ε_f32 per product (k ≤ 64, ε_f32 = 6e-8), compounded over 40 steps. Measured on
 * SwiftShader: losses within 6e-7 relative, singular values within 2.4e-7·σ₁. We allow 1e-5 on
 * both (each loss relative to itself, singular values relative to the largest recorded σ₁).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { Simulator } from '../../src/engine/simulator.js';
import { testGpu, withAdapterClass } from '../helpers/gpu.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const LOSS_TOLERANCE = 1e-5;
const SPECTRUM_TOLERANCE = 1e-5;

async function recorded(config: Config) {
  const sim = await Simulator.create(gpu!, config);
  await sim.run();
  const result = {
    kernelPath: sim.program.kernelPath,
    losses: sim.trace.records.flatMap((r) => Array.from(r.losses)),
    singularValues: sim.trace.records.flatMap((r) => Array.from(r.singularValues!)),
  };
  sim.destroy();
  return result;
}

/** max_i |actual_i − expected_i| / scale_i, scale_i = |expected_i| or, given, one scale for all. */
function worstError(actual: number[], expected: number[], scale?: number): number {
  expect(actual.length).toBe(expected.length);
  return Math.max(...actual.map((a, i) => Math.abs(a - expected[i]!) / (scale ?? Math.abs(expected[i]!))));
}

describe.skipIf(!gpu)('an experiment with the forced hardware class against the adapter’s own', () => {
  const config = (width: number, spectra: 'gpu' | 'exact'): Config => ({
    task: { kind: 'factorization', target: { rows: width, cols: width, singularValues: [3, 2, 1], seed: 7 } },
    network: { depth: 2, width },
    init: { kind: 'gaussian', std: 0.5 / Math.sqrt(width), seed: 1 },
    train: { lr: 0.05, steps: 40, weightDecay: 0.01 },
    record: { every: 10, spectra },
    sweep: { 'train.lr': [0.05, 0.1] },
  });
  // At width 64 the spectra come from the host (exact): compiling the singular values kernel for
  // 64×64 takes ~10 s on SwiftShader, and its hardware workgroup has its own test
  // (singular-values.gpu.test.ts); at width 8 they come from that kernel on both classes.
  for (const [width, spectra, hardwarePath] of [
    [64, 'exact', 'layered'],
    [8, 'gpu', 'fused'],
  ] as const) {
    it(`width ${width}: the ${hardwarePath} path on hardware records the same losses and ${spectra} spectra`, async () => {
      const own = await recorded(config(width, spectra));
      const forced = await withAdapterClass('hardware', () => recorded(config(width, spectra)));
      expect(forced.kernelPath).toBe(hardwarePath);
      expect(worstError(forced.losses, own.losses)).toBeLessThan(LOSS_TOLERANCE);
      const sigma1 = Math.max(...own.singularValues);
      expect(worstError(forced.singularValues, own.singularValues, sigma1)).toBeLessThan(SPECTRUM_TOLERANCE);
    });
  }
});
