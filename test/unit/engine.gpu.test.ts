/**
 * The GPU engine against the Float64 reference (same seeds, same algorithm): every task, every
 * init kind, depths 1–5, rectangular widths, weight decay on and off, heterogeneous batches.
 *
 * The reference starts from exactly the GPU's inputs (initial weights read back, task data and
 * hyperparameters rounded to f32), so the only difference is f32 arithmetic. Tolerance: after T
 * steps the f32 iterate drifts from the f64 one by roughly T·ε_f32·κ, where κ is the conditioning
 * of the dynamics; for these small problems and ≤ 300 steps we allow 1e-4 relative error on every
 * end-to-end matrix and 1e-4 on recorded losses (relative, or absolute below loss 1e-2).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { expandRuns } from '../../src/config/index.js';
import { Simulator } from '../../src/engine/simulator.js';
import { buildTask } from '../../src/problem/task.js';
import { ReferenceTrainer } from '../../src/reference/layers.js';
import { endToEnd } from '../../src/reference/loss.js';
import { combine, frobenius, matmul, type Matrix } from '../../src/linalg/matrix.js';
import { testGpu } from '../helpers/gpu.js';
import { f32Task, relative } from '../helpers/f32.js';
import { compareWithReference } from '../helpers/reference-compare.js';

const gpu = await testGpu();
afterAll(() => gpu?.destroy());
const compare = (config: Config) => compareWithReference(gpu!, config);

const target = (rows: number, cols: number, singularValues: number[]) => ({ rows, cols, singularValues, seed: 7 });

describe.skipIf(!gpu)('GPU layerwise training vs Float64 reference', () => {
  const cases: [string, Config][] = [
    [
      'factorization, depth 3, gaussian, heterogeneous lr and weight decay',
      {
        task: { kind: 'factorization', target: target(6, 6, [3, 2, 1]) },
        network: { depth: 3, width: 8 },
        init: { kind: 'gaussian', std: 0.3, seed: 1 },
        train: { lr: 0.02, steps: 200 },
        record: { every: 50, spectra: 'none' },
        sweep: { 'train.lr': [0.02, 0.05], 'train.weightDecay': [0, 0.01] },
      },
    ],
    [
      'factorization 16×8, depth 3, widths multiples of 8 (8×8 register blocks), weight decay sweep',
      {
        task: { kind: 'factorization', target: target(16, 8, [3, 2, 1]) },
        network: { widths: [8, 16, 16, 16] },
        init: { kind: 'gaussian', std: 0.3, seed: 15 },
        train: { lr: 0.02, steps: 150 },
        record: { every: 50, spectra: 'none' },
        sweep: { 'train.weightDecay': [0, 0.01] },
      },
    ],
    [
      'factorization, depth 1 (plain least squares)',
      {
        task: { kind: 'factorization', target: target(5, 4, [2, 1]) },
        network: { depth: 1, width: 1 },
        init: { kind: 'gaussian', std: 0.1, seed: 2 },
        train: { lr: 0.1, steps: 100, weightDecay: 0.05 },
        record: { every: 25, spectra: 'none' },
      },
    ],
    [
      'completion, depth 4, rectangular widths, balanced random init',
      {
        task: { kind: 'completion', target: target(7, 5, [2, 1]), observed: 0.6, seed: 3 },
        network: { widths: [5, 9, 6, 8, 7] },
        init: { kind: 'balanced', scale: 0.5, seed: 4 },
        train: { lr: 0.05, steps: 300 },
        record: { every: 100, spectra: 'none' },
        seeds: 3,
      },
    ],
    [
      'regression, depth 2, orthogonal init, weight decay',
      {
        task: { kind: 'regression', target: target(4, 6, [2, 1.5, 0.5]), samples: 20, noise: 0.1, seed: 5 },
        network: { depth: 2, width: 5 },
        init: { kind: 'orthogonal', scale: 0.5, seed: 6 },
        train: { lr: 0.05, steps: 200, weightDecay: 0.01 },
        record: { every: 40, spectra: 'none' },
      },
    ],
    [
      'sensing, depth 5, gaussian gain, two seeds',
      {
        task: { kind: 'sensing', target: target(4, 4, [1.5, 1]), measurements: 24, seed: 8 },
        network: { depth: 5, width: 4 },
        init: { kind: 'gaussian', gain: 1, seed: 9 },
        train: { lr: 0.01, steps: 150 },
        record: { every: 50, spectra: 'none' },
        seeds: 2,
      },
    ],
    [
      'factorization, depth 2, balanced aligned init, loss.scale 2',
      {
        task: { kind: 'factorization', target: { rows: 5, cols: 5, singularValues: [2, 1, 0.5], aligned: true } },
        network: { depth: 2, width: 5 },
        init: { kind: 'balanced', scale: 0.1, aligned: true, seed: 10 },
        train: { lr: 0.05, steps: 200 },
        record: { every: 50, spectra: 'none' },
        loss: { scale: 2 },
      },
    ],
  ];
  for (const [name, config] of cases) {
    it(name, async () => {
      const { worstMatrix, worstLoss, result, records } = await compare(config);
      expect(result.diverged.every((d) => d === false)).toBe(true);
      expect(records).toBe(config.train.steps / config.record.every + 1);
      expect(worstMatrix).toBeLessThan(1e-4);
      expect(worstLoss).toBeLessThan(1e-4);
    });
  }
});

describe.skipIf(!gpu)('GPU step invariants and run control', () => {
  it('one GPU step satisfies the balancedness identity of SPEC §4', async () => {
    const lr = 0.2;
    const weightDecay = 0.1;
    const config: Config = {
      task: { kind: 'factorization', target: target(4, 4, [3, 1]) },
      network: { widths: [4, 5, 6, 4] },
      init: { kind: 'gaussian', std: 0.6, seed: 11 },
      train: { lr, steps: 1, weightDecay },
      record: { every: 1, spectra: 'none' },
    };
    const sim = await Simulator.create(gpu!, config);
    const before = (await sim.readLayers())[0]!;
    await sim.run();
    const after = (await sim.readLayers())[0]!;
    sim.destroy();
    // Data parts of the layer gradients at the pre-step weights (f64): G_k = P_{>k}ᵀ G P_{<k}ᵀ.
    const task = buildTask(expandRuns(config)[0]!.config);
    const G = combine(1, endToEnd(before), -1, task.target);
    const grads = before.map((_, k) => {
      const above = before.slice(k + 1).reverse();
      const below = before.slice(0, k).reverse();
      const left = above.length ? above.reduce((acc, w) => matmul(acc, w)) : null;
      const right = below.length ? below.reduce((acc, w) => matmul(acc, w)) : null;
      let g = left ? matmul(left, G, true) : G;
      if (right) g = matmul(g, right, false, true);
      return g;
    });
    const defect = (w: Matrix[], k: number) =>
      combine(1, matmul(w[k + 1]!, w[k + 1]!, true), -1, matmul(w[k]!, w[k]!, false, true));
    for (let k = 0; k < before.length - 1; k++) {
      const shrink = (1 - lr * weightDecay) ** 2;
      const jump = combine(
        1,
        matmul(grads[k + 1]!, grads[k + 1]!, true),
        -1,
        matmul(grads[k]!, grads[k]!, false, true),
      );
      const predicted = combine(shrink, defect(before, k), lr * lr, jump);
      // The η² term is O(1) here, far above f32 rounding of the products (~1e-6 relative).
      expect(frobenius(combine(lr * lr, jump, 0, jump))).toBeGreaterThan(0.05);
      expect(relative(defect(after, k), predicted)).toBeLessThan(1e-4);
    }
  });

  it('freezes a diverging network and keeps training the others', async () => {
    // 8×8 layers: the 8×8-block update kernel on software adapters must skip frozen networks too.
    const config: Config = {
      task: { kind: 'factorization', target: target(8, 8, [2, 1]) },
      network: { depth: 2, width: 8 },
      init: { kind: 'gaussian', std: 0.5, seed: 12 },
      train: { lr: 0.05, steps: 120 },
      record: { every: 10, spectra: 'none' },
      sweep: { 'train.lr': [0.05, 5] },
    };
    const { result, worstMatrix } = await compareDiverging(config);
    expect(result.diverged[0]).toBe(false);
    expect(result.diverged[1]).not.toBe(false);
    const divergence = result.diverged[1] as { step: number; reason: string };
    expect(divergence.step % 10).toBe(0);
    expect(divergence.reason).toMatch(/loss/);
    expect(worstMatrix).toBeLessThan(1e-4);
  });

  it('reports progress and stops cleanly on abort, keeping what was recorded', async () => {
    const config: Config = {
      task: { kind: 'factorization', target: target(4, 4, [2, 1]) },
      network: { depth: 2, width: 4 },
      init: { kind: 'gaussian', std: 0.3, seed: 13 },
      train: { lr: 0.05, steps: 5000 },
      record: { every: 10, spectra: 'none' },
    };
    const sim = await Simulator.create(gpu!, config, { dispatchesPerSubmit: 70 });
    const controller = new AbortController();
    const progress: number[] = [];
    const result = await sim.run({
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p.step);
        expect(p.stepsPerSecond).toBeGreaterThan(0);
        if (progress.length === 2) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.step).toBeLessThan(5000);
    const last = sim.trace.last()!;
    expect(last.step).toBe(result.step);
    const steps = sim.trace.steps;
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBe(steps.length);
    // Continuing picks up where it stopped.
    const more = await sim.run({ steps: 20 });
    expect(more.step).toBe(result.step + 20);
    expect(sim.trace.last()!.step).toBe(result.step + 20);
    sim.destroy();
  });
});

async function compareDiverging(config: Config) {
  const sim = await Simulator.create(gpu!, config);
  const initial = await sim.readLayers();
  const result = await sim.run();
  const layers = await sim.readLayers();
  const run = expandRuns(config)[0]!;
  const task = f32Task(buildTask(run.config));
  const reference = new ReferenceTrainer(task, initial[0]!, { lr: Math.fround(run.config.train.lr), weightDecay: 0 });
  reference.steps(run.config.train.steps);
  // Training on: the frozen network keeps its last iterate bit for bit, the other one moves.
  await sim.run({ steps: 10 });
  const later = await sim.readLayers();
  expect(later[1]!.map((w) => Array.from(w.data))).toEqual(layers[1]!.map((w) => Array.from(w.data)));
  expect(relative(later[0]![0]!, layers[0]![0]!)).toBeGreaterThan(0);
  sim.destroy();
  return { result, worstMatrix: relative(endToEnd(layers[0]!), reference.endToEnd()) };
}

describe.skipIf(!gpu)('recorded spectra', () => {
  const base: Config = {
    task: { kind: 'factorization', target: target(6, 5, [3, 2, 1]) },
    network: { widths: [5, 7, 6] },
    init: { kind: 'gaussian', std: 0.2, seed: 14 },
    train: { lr: 0.05, steps: 60 },
    record: { every: 20, spectra: 'gpu', layers: true },
    seeds: 2,
  };
  it('gpu (both kernels), exact and layer spectra agree with a Float64 SVD of the weights', async () => {
    const { singularValues } = await import('../../src/linalg/decompositions.js');
    const modes = [
      { spectra: 'gpu', svd: 'bisection' },
      { spectra: 'gpu', svd: 'jacobi' },
      { spectra: 'exact', svd: 'bisection' },
    ] as const;
    for (const mode of modes) {
      const sim = await Simulator.create(gpu!, { ...base, record: { ...base.record, ...mode } });
      await sim.run();
      const layers = await sim.readLayers();
      const last = sim.trace.last()!;
      expect(last.rank).toBe(5);
      for (let b = 0; b < 2; b++) {
        const expected = singularValues(endToEnd(layers[b]!));
        const got = last.singularValues!.subarray(b * 5, b * 5 + 5);
        // f32 kernels: ≤ ~1e-6·σ₁ absolute; exact mode: f64 SVD of the f32 matrix.
        expected.forEach((s, i) => expect(Math.abs(got[i]! - s)).toBeLessThan(2e-5 * expected[0]!));
        layers[b]!.forEach((w, k) => {
          const r = Math.min(w.rows, w.cols);
          const layerValues = last.layerSingularValues![k]!.subarray(b * r, (b + 1) * r);
          singularValues(w).forEach((s, i) =>
            expect(Math.abs(layerValues[i]! - s)).toBeLessThan(2e-5 * Math.max(1, s)),
          );
        });
      }
      expect(sim.trace.records.map((r) => r.step)).toEqual([0, 20, 40, 60]);
      sim.destroy();
    }
  });
});
