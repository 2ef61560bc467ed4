import { describe, expect, it } from 'vitest';
import { ConfigError, DlnsimError } from '../../src/errors.js';
import { svd } from '../../src/linalg/decompositions.js';
import { type Matrix, dot, fromRows, identity, matmul, maxAbsDiff, scale, sub } from '../../src/linalg/matrix.js';
import { initialLayers } from '../../src/problem/init.js';
import { buildRegressionData, buildTarget, buildTask } from '../../src/problem/task.js';
import { Rng, STREAMS, gaussianMatrix } from '../../src/random.js';
import { balancednessDefects } from '../../src/reference/balancedness.js';
import { endToEnd, taskGradient, taskLoss } from '../../src/reference/loss.js';
import { type ConfigParts, testConfig } from '../helpers/configs.js';

const randomTarget = (rows: number, cols: number, singularValues: number[]) => ({ rows, cols, singularValues });
const alignedTarget = (rows: number, cols: number, singularValues: number[]) => ({
  rows,
  cols,
  singularValues,
  aligned: true as const,
});

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

function layersFor(parts: ConfigParts): { layers: Matrix[]; target: Matrix } {
  const config = testConfig(parts);
  const task = buildTask(config);
  return { layers: initialLayers(config, task), target: task.target };
}

/** uᵀ W v for column i of U and column j of V. */
function bilinear(u: Matrix, i: number, w: Matrix, v: Matrix, j: number): number {
  let sum = 0;
  for (let a = 0; a < w.rows; a++)
    for (let b = 0; b < w.cols; b++) sum += u.data[a * u.cols + i]! * w.data[a * w.cols + b]! * v.data[b * v.cols + j]!;
  return sum;
}

describe('targets (SPEC §2)', () => {
  it.each([
    [5, 4, [3, 2, 0.5]],
    [3, 6, [2, 1, 1e-3]],
  ])('a random %i×%i target has the requested singular values to 1e-12', (rows, cols, s) => {
    const y = buildTarget(testConfig({ task: { target: randomTarget(rows, cols, s) }, widths: [cols, rows] }));
    const expected = [...s, ...new Array(Math.min(rows, cols) - s.length).fill(0)];
    svd(y).s.forEach((sigma, i) => expect(Math.abs(sigma - expected[i]!)).toBeLessThan(1e-12));
  });

  it('keeps the leading singular vectors when a singular value is appended', () => {
    const target = (s: number[]) =>
      buildTarget(testConfig({ task: { target: randomTarget(5, 4, s) }, widths: [4, 5] }));
    const added = svd(sub(target([3, 2, 1]), target([3, 2]))).s;
    expect(added[0]).toBeCloseTo(1, 12);
    expect(added[1]).toBeLessThan(1e-12);
  });

  it('depends on target.seed, falling back to task.seed', () => {
    const target = (seed?: number, taskSeed = 7) =>
      buildTarget(
        testConfig({
          task: { seed: taskSeed, target: { ...randomTarget(3, 4, [1]), ...(seed === undefined ? {} : { seed }) } },
        }),
      );
    expect(target(7)).toEqual(target(undefined, 7));
    expect(maxAbsDiff(target(8), target(7))).toBeGreaterThan(0.01);
  });

  it('puts an aligned target on the diagonal', () => {
    const y = buildTarget(testConfig({ task: { target: alignedTarget(3, 4, [3, 2]) } }));
    expect(y).toEqual(
      fromRows([
        [3, 0, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 0, 0],
      ]),
    );
  });

  it('takes an explicit matrix as is', () => {
    const matrix = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    expect(buildTarget(testConfig({ task: { target: { matrix } }, widths: [2, 3] }))).toEqual(fromRows(matrix));
  });

  it('rejects widths that do not match the target', () => {
    expect(() => buildTask(testConfig({ widths: [3, 5, 3] }))).toThrow(ConfigError);
  });
});

describe('completion masks', () => {
  const maskConfig = (observed: number, seed = 7) =>
    testConfig({ task: { kind: 'completion', target: randomTarget(6, 7, [2, 1]), observed, seed }, widths: [7, 6] });

  it.each([
    [0.3, 13],
    [0.001, 1],
    [1, 42],
  ])('observes exactly max(1, round(%f · 42)) = %i entries', (observed, count) => {
    const task = buildTask(maskConfig(observed));
    expect(task.observedCount).toBe(count);
    expect(task.mask!.data.reduce((s, v) => s + v, 0)).toBe(count);
    expect(task.mask!.data.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('draws the mask from task.seed', () => {
    expect(buildTask(maskConfig(0.5)).mask).toEqual(buildTask(maskConfig(0.5)).mask);
    expect(buildTask(maskConfig(0.5, 8)).mask).not.toEqual(buildTask(maskConfig(0.5)).mask);
  });

  it('uses an explicit mask and counts |Ω|', () => {
    const mask = [
      [1, 0, 1],
      [0, 0, 1],
    ];
    const task = buildTask(
      testConfig({
        task: {
          kind: 'completion',
          target: {
            matrix: [
              [1, 2, 3],
              [4, 5, 6],
            ],
          },
          mask,
        },
        widths: [3, 2],
      }),
    );
    expect(task.mask).toEqual(fromRows(mask));
    expect(task.observedCount).toBe(3);
  });
});

describe('regression and sensing data', () => {
  const regression = testConfig({
    task: { kind: 'regression', target: randomTarget(3, 4, [2, 1]), samples: 50, noise: 0.1 },
  });
  const w = gaussianMatrix(new Rng(99, 0), 3, 4);

  it('computes (1/2m)‖WX − Y_data‖² and its gradient from Σxx, Σyx, c to 1e-10 relative', () => {
    const task = buildTask(regression);
    const { x, yData } = buildRegressionData(regression);
    const residual = sub(matmul(w, x), yData);
    const m = x.cols;
    expect(relativeDifference(taskLoss(task, w), dot(residual, residual) / (2 * m))).toBeLessThan(1e-10);
    const direct = scale(matmul(residual, x, false, true), 1 / m);
    expect(maxAbsDiff(taskGradient(task, w), direct) / Math.max(...direct.data.map(Math.abs))).toBeLessThan(1e-10);
  });

  it('adds noise of the requested size', () => {
    const { x, yData } = buildRegressionData(regression);
    const noise = sub(yData, matmul(buildTask(regression).target, x));
    expect(Math.sqrt(dot(noise, noise) / noise.data.length)).toBeCloseTo(0.1, 1);
  });

  it('measures y_i = ⟨A_i, Y⟩ and the sensing loss vanishes at Y', () => {
    const task = buildTask(
      testConfig({ task: { kind: 'sensing', target: randomTarget(3, 4, [2, 1]), measurements: 20 } }),
    );
    const { a, y } = task.sensing!;
    expect([a.rows, a.cols, y.length]).toEqual([20, 12, 20]);
    for (let i = 0; i < 20; i++) {
      let inner = 0;
      for (let j = 0; j < 12; j++) inner += a.data[i * 12 + j]! * task.target.data[j]!;
      expect(Math.abs(y[i]! - inner)).toBeLessThan(1e-12);
    }
    expect(taskLoss(task, task.target)).toBeLessThan(1e-28);
  });

  it('multiplies loss and gradient by loss.scale', () => {
    const plain = buildTask(regression);
    const doubled = buildTask({ ...regression, loss: { scale: 2 } });
    expect(taskLoss(doubled, w)).toBeCloseTo(2 * taskLoss(plain, w), 12);
    expect(maxAbsDiff(taskGradient(doubled, w), scale(taskGradient(plain, w), 2))).toBeLessThan(1e-12);
  });
});

describe('gaussian and orthogonal initialisation (SPEC §5)', () => {
  const wide = { task: { target: randomTarget(48, 64, [1]) }, widths: [64, 64, 48] };

  function empiricalStd(w: Matrix): number {
    return Math.sqrt(dot(w, w) / w.data.length);
  }

  it('gaussian with gain g has entry std g/√fan-in within 5%', () => {
    for (const w of layersFor({ ...wide, init: { kind: 'gaussian', gain: 2 } }).layers) {
      expect(Math.abs(empiricalStd(w) / (2 / 8) - 1)).toBeLessThan(0.05);
    }
  });

  it('gaussian with std σ has entry std σ within 5%', () => {
    for (const w of layersFor({ ...wide, init: { kind: 'gaussian', std: 0.3 } }).layers) {
      expect(Math.abs(empiricalStd(w) / 0.3 - 1)).toBeLessThan(0.05);
    }
  });

  it('draws each layer from its own substream, so a deeper network keeps the earlier layers', () => {
    const shallow = layersFor({ widths: [4, 5, 5, 3] }).layers;
    const deep = layersFor({ widths: [4, 5, 5, 6, 3] }).layers;
    expect(deep.slice(0, 2)).toEqual(shallow.slice(0, 2));
  });

  it('orthogonal layers are scale · (orthonormal columns or rows) to 1e-12', () => {
    const { layers } = layersFor({ widths: [4, 6, 6, 2, 3], init: { kind: 'orthogonal', scale: 0.7 } });
    for (const w of layers) {
      const gram = w.rows >= w.cols ? matmul(w, w, true, false) : matmul(w, w, false, true);
      expect(maxAbsDiff(gram, scale(identity(gram.rows), 0.49))).toBeLessThan(1e-12);
    }
  });
});

describe('balanced initialisation (SPEC §5, §7)', () => {
  const initScale = 0.5;

  function expectBalancedFactorisation(layers: Matrix[], w0: Matrix, rank: number): void {
    for (const d of balancednessDefects(layers))
      expect(Math.max(...d.data.map(Math.abs))).toBeLessThan(1e-10 * initScale ** 2);
    expect(maxAbsDiff(endToEnd(layers), w0)).toBeLessThan(1e-12);
    // SPEC §7: Σ_k ‖W_k‖² = N Σ_i σ_i^{2/N} for the balanced factorisation.
    const depth = layers.length;
    const sigma = svd(w0).s.slice(0, rank);
    const penalty = layers.reduce((s, w) => s + dot(w, w), 0);
    expect(relativeDifference(penalty, depth * sigma.reduce((s, v) => s + v ** (2 / depth), 0))).toBeLessThan(1e-12);
  }

  /** The random W(0) of SPEC §5: N(0, scale²/n_0) entries from init substream 0. */
  function randomW0(rows: number, cols: number): Matrix {
    return gaussianMatrix(new Rng(11, STREAMS.init, 0), rows, cols, initScale / Math.sqrt(cols));
  }

  it.each([[[4, 3]], [[4, 6, 3]], [[4, 6, 5, 3]], [[4, 3, 7, 4, 3]]])(
    'random W(0), widths %j: D_k = 0, W = W(0)',
    (widths) => {
      const { layers } = layersFor({ widths, init: { kind: 'balanced', scale: initScale } });
      expectBalancedFactorisation(layers, randomW0(3, 4), 3);
    },
  );

  it('refuses a hidden layer narrower than min(n_0, n_N) instead of factorising another W(0)', () => {
    // Config validation rejects these widths (network.width / network.widths[i]); a hand-built
    // ResolvedConfig that skipped it gets an error naming the layer, not a truncated W(0).
    expect(() => layersFor({ widths: [4, 5, 2, 3], init: { kind: 'balanced', scale: initScale } })).toThrow(
      /hidden width n_2 = 2 < min\(n_0, n_N\) = 3/,
    );
    expect(() => layersFor({ widths: [4, 5, 2, 3], init: { kind: 'balanced', scale: initScale } })).toThrow(
      DlnsimError,
    );
  });

  it('aligned start has σ_i(0) = scale in a rank-deficient target frame', () => {
    const { layers, target } = layersFor({
      task: { target: randomTarget(3, 4, [3, 1]) },
      widths: [4, 5, 5, 3],
      init: { kind: 'balanced', scale: initScale, aligned: true },
    });
    const w = endToEnd(layers);
    const frame = svd(target);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) expect(bilinear(frame.u, i, w, frame.v, j)).toBeCloseTo(i === j ? initScale : 0, 12);
    svd(w).s.forEach((sigma) => expect(sigma).toBeCloseTo(initScale, 12));
    expectBalancedFactorisation(layers, w, 3);
  });

  it('aligned start for an aligned target is scale times the identity', () => {
    const { layers } = layersFor({
      task: { target: alignedTarget(3, 4, [1, 3]) },
      widths: [4, 4, 3],
      init: { kind: 'balanced', scale: initScale, aligned: true },
    });
    const expected = fromRows(
      [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
      ].map((row) => row.map((v) => v * initScale)),
    );
    expect(maxAbsDiff(endToEnd(layers), expected)).toBeLessThan(1e-12);
  });
});
