/**
 * The bench's numpy baseline (bench/numpy_baseline.py, through bench/numpy-runner.ts) trains the
 * same networks as the Float64 reference: per-network losses after 30 steps agree to 1e-4
 * relative (f32 rounding over 30 steps of these 5×5 problems stays near 1e-6), with per-network
 * learning rates and weight decay. numpy is an optional bench tool, so without python3 or numpy
 * these tests are skipped, and say why on stderr.
 */
import { describe, expect, it } from 'vitest';
import { numpyUnavailable, runNumpy } from '../../bench/numpy-runner.js';
import { type Workload, workloadConfig, workloadInputs } from '../../bench/workloads.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';

const missing = numpyUnavailable();
if (missing) console.warn(`numpy baseline tests skipped: ${missing}`);

const tiny: Workload = { name: 'tiny', batch: 3, depth: 3, width: 5, steps: 30, quickSteps: 30, every: 10 };
const inputs = {
  ...workloadInputs(workloadConfig(tiny, tiny.steps, 'none')),
  lr: [0.01, 0.02, 0.015].map(Math.fround),
  weightDecay: [0, 0.01, 0.02].map(Math.fround),
};

describe.skipIf(missing)('numpy baseline', () => {
  it('matches the Float64 reference after 30 steps, with the bench flop convention', async () => {
    const result = await runNumpy(inputs, { steps: tiny.steps, every: tiny.every, budgetSeconds: 60 });
    expect(result.steps).toBe(tiny.steps);
    expect(result.networks).toBe(tiny.batch);
    // 3(N − 1) products of 2n³ flops, as sim.program.flopsPerStep counts them.
    expect(result.flopsPerNetworkStep).toBe(3 * (tiny.depth - 1) * 2 * tiny.width ** 3);
    inputs.layers.forEach((layers, b) => {
      const reference = new ReferenceTrainer(inputs.task, layers, {
        lr: inputs.lr[b]!,
        weightDecay: inputs.weightDecay[b]!,
      });
      reference.steps(tiny.steps);
      const expected = reference.loss();
      expect(Math.abs(result.losses[b]! - expected) / expected, `network ${b}`).toBeLessThan(1e-4);
    });
  });

  it('stops at the first record step past its time budget', async () => {
    const result = await runNumpy(inputs, { steps: tiny.steps, every: tiny.every, budgetSeconds: 1e-9 });
    expect(result.steps).toBe(tiny.every);
    expect(result.losses).toHaveLength(tiny.batch);
  });
});
