/**
 * The record-step sums beyond the loss against the Float64 reference (SPEC §7, §12): the objective
 * J = C + (λ/2) Σ‖W_k‖² and the held-out error of every task, on the GPU's own inputs (initial
 * layers read back, task data rounded to f32). Tolerance as engine.gpu.test.ts: 1e-4 relative after
 * ≤ 200 f32 steps of these small problems.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { expandRuns } from '../../src/config/index.js';
import { Simulator } from '../../src/engine/simulator.js';
import { batchExperimentRuns } from '../../src/experiment/experiment-run.js';
import { buildTask } from '../../src/problem/task.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { heldOutError } from '../../src/reference/loss.js';
import { testGpu } from '../helpers/gpu.js';
import { f32, f32Task } from '../helpers/f32.js';
import type { HeldOut, TaskData } from '../../src/problem/types.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());

const TOLERANCE = 1e-4;
const target = { rows: 6, cols: 5, singularValues: [3, 2, 1, 0.5], seed: 3 };
const base = {
  network: { depth: 3, width: 6 },
  init: { kind: 'gaussian', std: 0.3, seed: 2 },
  record: { every: 50, spectra: 'none' },
} as const;

function f32HeldOut(heldOut: HeldOut | undefined): HeldOut | undefined {
  if (!heldOut) return undefined;
  switch (heldOut.kind) {
    case 'entries':
      return { ...heldOut, target: f32(heldOut.target), ...(heldOut.weight && { weight: f32(heldOut.weight) }) };
    case 'samples':
      return { ...heldOut, x: f32(heldOut.x), y: f32(heldOut.y) };
    case 'measurements':
      return { ...heldOut, a: f32(heldOut.a), y: heldOut.y.map(Math.fround) };
  }
}

/** Worst relative error of the recorded J and testError against the reference at every record. */
async function compare(config: Config) {
  const sim = await Simulator.create(gpu!, config);
  const initial = await sim.readLayers();
  const outcome = await sim.run();
  const runs = expandRuns(config);
  const task: TaskData = { ...f32Task(buildTask(runs[0]!.config)) };
  task.heldOut = f32HeldOut(task.heldOut);
  const results = batchExperimentRuns(runs, sim.trace, outcome.diverged);
  let objective = 0;
  let testError = 0;
  runs.forEach((run, b) => {
    const reference = new ReferenceTrainer(task, initial[b]!, {
      lr: Math.fround(run.config.train.lr),
      weightDecay: Math.fround(run.config.train.weightDecay),
    });
    const trace = results[b]!.trace;
    trace.steps.forEach((step, i) => {
      reference.steps(step - reference.stepCount);
      objective = Math.max(objective, Math.abs(trace.objectives[i]! - reference.objective()) / reference.objective());
      const expected = heldOutError(task, reference.endToEnd());
      if (expected === null) expect(trace.testErrors[i]).toBeNaN();
      else testError = Math.max(testError, Math.abs(trace.testErrors[i]! - expected) / expected);
    });
  });
  sim.destroy();
  return { objective, testError, results };
}

describe('objective and held-out error vs Float64 reference', () => {
  it('needs a WebGPU adapter', () => expect(gpu).not.toBeNull());

  it('factorization with noise: J with weight decay, ‖W − Y_clean‖/‖Y_clean‖', async () => {
    const { objective, testError, results } = await compare({
      ...base,
      task: { kind: 'factorization', target, noise: 0.3 },
      train: { lr: 0.05, steps: 200 },
      sweep: { 'train.weightDecay': [0, 0.05] },
    });
    expect(objective).toBeLessThan(TOLERANCE);
    expect(testError).toBeLessThan(TOLERANCE);
    // Without weight decay J = C exactly, and nothing reports a weight norm.
    expect(results[0]!.objective).toBe(results[0]!.finalLoss);
    expect(results[0]!.weightNormSq).toBeNull();
    expect(results[1]!.weightNormSq).toBeGreaterThan(0);
    expect(results[1]!.objective).toBeGreaterThan(results[1]!.finalLoss);
  });

  it('factorization without noise has no held-out error (null, never 0)', async () => {
    const { results } = await compare({
      ...base,
      task: { kind: 'factorization', target },
      train: { lr: 0.05, steps: 50, weightDecay: 0.01 },
    });
    expect(results[0]!.testError).toBeNull();
  });

  it('completion: the unobserved entries', async () => {
    const { objective, testError } = await compare({
      ...base,
      task: { kind: 'completion', target, observed: 0.6 },
      train: { lr: 0.2, steps: 200, weightDecay: 0.01 },
    });
    expect(objective).toBeLessThan(TOLERANCE);
    expect(testError).toBeLessThan(TOLERANCE);
  });

  it('regression: fresh samples from their own stream', async () => {
    const { objective, testError } = await compare({
      ...base,
      task: { kind: 'regression', target, samples: 12, noise: 0.1, testSamples: 20 },
      train: { lr: 0.02, steps: 200, weightDecay: 0.01 },
    });
    expect(objective).toBeLessThan(TOLERANCE);
    expect(testError).toBeLessThan(TOLERANCE);
  });

  it('sensing: fresh measurements', async () => {
    const { objective, testError } = await compare({
      ...base,
      task: { kind: 'sensing', target, measurements: 40 },
      train: { lr: 0.02, steps: 200, weightDecay: 0.01 },
    });
    expect(objective).toBeLessThan(TOLERANCE);
    expect(testError).toBeLessThan(TOLERANCE);
  });
});
