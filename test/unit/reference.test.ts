import { describe, expect, it } from 'vitest';
import type { TaskKind } from '../../src/config/types.js';
import { type Matrix, clone, combine, matmul, maxAbsDiff } from '../../src/linalg/matrix.js';
import { initialLayers } from '../../src/problem/init.js';
import { buildTask } from '../../src/problem/task.js';
import type { TaskData } from '../../src/problem/types.js';
import { balancednessDefects } from '../../src/reference/balancedness.js';
import { layerGradients, ReferenceTrainer } from '../../src/reference/layers.js';
import { type ConfigParts, testConfig } from '../helpers/configs.js';

const target = { rows: 3, cols: 4, singularValues: [2, 1, 0.5] };
const taskParts: Record<TaskKind, ConfigParts['task']> = {
  factorization: { kind: 'factorization', target },
  completion: { kind: 'completion', target, observed: 0.5 },
  regression: { kind: 'regression', target, samples: 20, noise: 0.1 },
  sensing: { kind: 'sensing', target, measurements: 15 },
};
/** Rectangular widths n_0 … n_N for depths 1–4, with a bottleneck at depth 3. */
const widthsByDepth = [
  [4, 3],
  [4, 5, 3],
  [4, 2, 6, 3],
  [4, 5, 3, 6, 3],
];

function setup(kind: TaskKind, widths: number[]): { task: TaskData; layers: Matrix[] } {
  const config = testConfig({ task: taskParts[kind], widths });
  const task = buildTask(config);
  return { task, layers: initialLayers(config, task) };
}

function maxAbs(m: Matrix): number {
  return m.data.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
}

/** Central differences of the objective C + λ/2 Σ‖W_k‖², step h, entry by entry. */
function finiteDifferenceGradients(task: TaskData, layers: Matrix[], weightDecay: number, h: number): Matrix[] {
  const objective = (perturbed: Matrix[]) => new ReferenceTrainer(task, perturbed, { lr: 0, weightDecay }).objective();
  return layers.map((w, k) => {
    const grad = clone(w);
    for (let i = 0; i < w.data.length; i++) {
      const shifted = (delta: number) => {
        const copy = layers.map(clone);
        copy[k]!.data[i]! += delta;
        return objective(copy);
      };
      grad.data[i] = (shifted(h) - shifted(-h)) / (2 * h);
    }
    return grad;
  });
}

describe('layer gradients (SPEC §3)', () => {
  const kinds = Object.keys(taskParts) as TaskKind[];
  const cases = kinds.flatMap((kind) =>
    widthsByDepth.flatMap((widths) => [0, 0.1].map((weightDecay) => ({ kind, widths, weightDecay }))),
  );

  // h = 1e-5: truncation ~h² and round-off ~ε/h both stay near 1e-10, far below the 1e-6 tolerance.
  it.each(cases)(
    '$kind, widths $widths, λ = $weightDecay: match central differences to 1e-6 relative',
    ({ kind, widths, weightDecay }) => {
      const { task, layers } = setup(kind, widths);
      const analytic = layerGradients(task, layers, weightDecay);
      const numeric = finiteDifferenceGradients(task, layers, weightDecay, 1e-5);
      analytic.forEach((g, k) => expect(maxAbsDiff(g, numeric[k]!) / maxAbs(g)).toBeLessThan(1e-6));
    },
  );
});

describe('ReferenceTrainer', () => {
  it.each(['factorization', 'completion', 'regression', 'sensing'] as TaskKind[])(
    '%s: one step obeys D_k⁺ = (1 − ηλ)² D_k + η² (G_{k+1}ᵀG_{k+1} − G_kG_kᵀ) to 1e-12 (SPEC §4)',
    (kind) => {
      const { task, layers } = setup(kind, [4, 5, 2, 6, 3]);
      const lr = 0.05;
      const weightDecay = 0.1;
      const trainer = new ReferenceTrainer(task, layers, { lr, weightDecay });
      trainer.step();
      const g = layerGradients(task, layers, 0);
      const before = balancednessDefects(layers);
      const after = balancednessDefects(trainer.layers);
      before.forEach((d, k) => {
        const step = combine(1, matmul(g[k + 1]!, g[k + 1]!, true, false), -1, matmul(g[k]!, g[k]!, false, true));
        const predicted = combine((1 - lr * weightDecay) ** 2, d, lr * lr, step);
        expect(maxAbsDiff(after[k]!, predicted) / Math.max(1, maxAbs(d))).toBeLessThan(1e-12);
      });
    },
  );

  it('decreases the loss monotonically on a small factorization', () => {
    const { task, layers } = setup('factorization', [4, 5, 5, 3]);
    const trainer = new ReferenceTrainer(task, layers, { lr: 0.02, weightDecay: 0 });
    const initial = trainer.loss();
    let previous = initial;
    for (let i = 0; i < 500; i++) {
      trainer.step();
      const loss = trainer.loss();
      expect(loss).toBeLessThan(previous);
      previous = loss;
    }
    expect(previous).toBeLessThan(1e-3 * initial);
    expect(trainer.stepCount).toBe(500);
  });

  it('does not alias the layers it was given or hands out', () => {
    const { task, layers } = setup('factorization', [4, 5, 3]);
    const original = layers.map(clone);
    const trainer = new ReferenceTrainer(task, layers, { lr: 0.1, weightDecay: 0 });
    trainer.step();
    expect(layers).toEqual(original);
    const handedOut = trainer.layers;
    handedOut[0]!.data.fill(0);
    expect(trainer.layers[0]).not.toEqual(handedOut[0]);
  });

  it('adds λ/2 Σ‖W_k‖² to the loss in objective()', () => {
    const { task, layers } = setup('factorization', [4, 5, 3]);
    const penalty = layers.reduce((s, w) => s + w.data.reduce((t, v) => t + v * v, 0), 0);
    const trainer = new ReferenceTrainer(task, layers, { lr: 0.1, weightDecay: 0.3 });
    expect(trainer.objective() - trainer.loss()).toBeCloseTo(0.15 * penalty, 12);
  });
});

describe('aligned modes, depth 2 (SPEC §7, §10)', () => {
  const s = [2, 1, 0.5];
  const sigma0 = 0.01;

  function alignedTrainer(lr: number, weightDecay: number): ReferenceTrainer {
    const config = testConfig({
      task: { kind: 'factorization', target: { rows: 3, cols: 3, singularValues: s, aligned: true } },
      widths: [3, 4, 3],
      init: { kind: 'balanced', scale: sigma0, aligned: true },
    });
    const task = buildTask(config);
    return new ReferenceTrainer(task, initialLayers(config, task), { lr, weightDecay });
  }

  /** Mode i of an aligned target sits at W_ii; the rest of W stays zero up to round-off. */
  function modes(trainer: ReferenceTrainer): number[] {
    const w = trainer.endToEnd();
    w.data.forEach((v, idx) => {
      if (idx % 4 !== 0) expect(Math.abs(v)).toBeLessThan(1e-12);
    });
    return s.map((_, i) => w.data[i * 4]!);
  }

  // Discrete GD vs the flow: O(η) error, at most 2.6e-3 relative here (mode s = 2 at t = 1).
  it('follows σ(t) = s / (1 + (s/σ₀ − 1) e^{−2st}) to 1e-2 relative at lr 1e-3', () => {
    const lr = 1e-3;
    const trainer = alignedTrainer(lr, 0);
    for (const t of [1, 2, 4, 8]) {
      trainer.steps(Math.round(t / lr) - trainer.stepCount);
      modes(trainer).forEach((sigma, i) => {
        const exact = s[i]! / (1 + (s[i]! / sigma0 - 1) * Math.exp(-2 * s[i]! * t));
        expect(Math.abs(sigma / exact - 1)).toBeLessThan(1e-2);
      });
    }
  });

  it('soft-thresholds with weight decay: σ → max(s − λ, 0)', () => {
    const weightDecay = 0.8;
    const trainer = alignedTrainer(0.05, weightDecay);
    trainer.steps(2000);
    modes(trainer).forEach((sigma, i) => expect(sigma).toBeCloseTo(Math.max(s[i]! - weightDecay, 0), 8));
  });
});
