/**
 * The rank-two-completion preset without a GPU: its measure on hand-built layers (the 3×3 det, σ₃,
 * the free entries, det W(0) from the run's config), the spread up to the sign symmetry, and its
 * verdict on hand-made results (passing, and failing on the rank-2 criteria).
 */
import { describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { FlowDepth } from '../../src/config/types.js';
import { fullTrace } from '../../src/experiment/experiment-run.js';
import type { ExperimentResult, ExperimentRun } from '../../src/experiment/types.js';
import { singularValues } from '../../src/linalg/decompositions.js';
import { fromRows } from '../../src/linalg/matrix.js';
import { initialLayers } from '../../src/problem/init.js';
import { buildTask } from '../../src/problem/task.js';
import { endToEnd } from '../../src/reference/loss.js';
import { CLUSTER_RADIUS, outcome, rankTwoCompletion as preset, spread } from '../../src/presets/rank-two-completion.js';
import { resultOf } from '../helpers/results.js';

const DEPTHS: FlowDepth[] = [2, 3, 5, 'infinity'];

describe('rank-two-completion measure', () => {
  const [run] = expandRuns({ ...preset.config, seeds: 1, sweep: { 'train.flowDepth': [3] } });
  const task = buildTask(run!.config);

  it('a fitted W on the quadric ab + cd = 1 has det 0 and σ₃ 0; det0 is det W(0) of the run', () => {
    // a·b = 0.36, c·d = 0.64: rank 2.
    const metrics = preset.measure!(
      run!,
      [
        fromRows([
          [1, 0.6, 0],
          [0.6, 1, 0.8],
          [0, 0.8, 1],
        ]),
      ],
      task,
    );
    expect(metrics.det).toBeCloseTo(0, 14);
    expect(metrics.sigmaMin).toBeLessThan(1e-7);
    expect([metrics.w12, metrics.w21, metrics.w23, metrics.w32]).toEqual([0.6, 0.6, 0.8, 0.8]);
    const w0 = endToEnd(initialLayers(run!.config, task));
    const [a, b, c, d, e, f, g, h, i] = Array.from(w0.data);
    expect(metrics.det0).toBeCloseTo(
      a! * (e! * i! - f! * h!) - b! * (d! * i! - f! * g!) + c! * (d! * h! - e! * g!),
      16,
    );
  });

  it('inside the quadric (ab + cd < 1) W is full rank with det = 1 − ab − cd', () => {
    const metrics = preset.measure!(
      run!,
      [
        fromRows([
          [1, 0.5, 0],
          [0.2, 1, 0.3],
          [0, 0.3, 1],
        ]),
      ],
      task,
    );
    expect(metrics.det).toBeCloseTo(1 - 0.1 - 0.09, 14);
    expect(metrics.sigmaMin).toBeCloseTo(
      singularValues(
        fromRows([
          [1, 0.5, 0],
          [0.2, 1, 0.3],
          [0, 0.3, 1],
        ]),
      )[2]!,
      14,
    );
    expect(metrics.sigmaMin).toBeGreaterThan(0.3);
  });

  it('no fit of the data has rank 1: the mask forces σ₂ ≥ that of the observed identity block', () => {
    // Any W with w11 = w33 = 1 and w13 = w31 = 0 contains the 2×2 identity as a submatrix (rows 1, 3 and columns 1, 3), so σ₂(W) ≥ σ₂(I₂) = 1.
    for (const [a, b, c, d] of [
      [5, -3, 2, 7],
      [0.1, 0.2, 0.3, 0.4],
      [-10, 10, 0, 0],
    ]) {
      expect(
        singularValues(
          fromRows([
            [1, a!, 0],
            [b!, 1, c!],
            [0, d!, 1],
          ]),
        )[1],
      ).toBeGreaterThanOrEqual(1 - 1e-12);
    }
  });
});

/** A converged (or not) run at this depth, ending with these metrics. */
function handRun(depth: FlowDepth, seed: number, metrics: Record<string, number>, loss = 0): ExperimentRun {
  const [run] = expandRuns({
    ...preset.config,
    seeds: 1,
    init: { ...preset.config.init, seed },
    sweep: { 'train.flowDepth': [depth] },
  });
  const trace = fullTrace({ steps: [0], times: [0], losses: [loss], singularValues: [[]] });
  return { id: seed, overrides: {}, config: run!.config, finalLoss: loss, metrics, trace } as unknown as ExperimentRun;
}

/** 32 runs per (depth, sign); the first lowRank(depth, sign) end with σ₃ = 0.001, the rest σ₃ = 0.3. */
function handMade(lowRank: (depth: FlowDepth, sign: number) => number): ExperimentResult {
  const runs = DEPTHS.flatMap((depth) =>
    [-1, 1].flatMap((sign) =>
      Array.from({ length: 32 }, (_, k) =>
        handRun(depth, k, {
          w12: 0.8,
          w21: 0.8 + k / 100,
          w23: -0.6,
          w32: 0.6,
          det: 0,
          sigmaMin: k < lowRank(depth, sign) ? 0.001 : 0.3,
          effectiveRank: 2,
          det0: sign * 1e-4,
        }),
      ),
    ),
  );
  return resultOf(preset.config, runs);
}

/** det W(0) > 0 rank-2 counts of 32, as measured (0.19, 0.66, 0.91, 0.95); det W(0) < 0 all rank 2. */
const RISING: Record<string, number> = { 2: 6, 3: 21, 5: 29, infinity: 30 };
const passing = (depth: FlowDepth, sign: number) => (sign < 0 ? 32 : RISING[String(depth)]!);

describe('rank-two-completion verdict', () => {
  it('passes on the measured shape, with the spread of the outcomes', () => {
    const verdict = preset.verdict(handMade(passing));
    expect(verdict.summary).toMatch(/^PASS: rank 2 fraction by depth 2, 3, 5, ∞/);
    expect(verdict.measured.filter((line) => /^(2|3|5|∞) +[<>] 0 /.test(line))).toHaveLength(8);
    expect(verdict.measured[0]).toContain('rank 2 (σ₃ < 0.05) ± SE');
    expect(verdict.summary).toContain('spread at N = ∞');
  });

  it('fails when det W(0) < 0 misses rank 2, or when depth does not raise the rank-2 fraction', () => {
    expect(
      preset.verdict(handMade((depth, sign) => (sign < 0 && depth === 5 ? 20 : passing(depth, sign)))).summary,
    ).toContain('det W(0) < 0 falls short of rank 2');
    expect(preset.verdict(handMade((_, sign) => (sign < 0 ? 32 : 6))).summary).toContain(
      'N = ∞ is not more often rank 2 than N = 2',
    );
  });

  it('the spread is taken up to the sign symmetry: sign-flipped copies of one outcome are one point', () => {
    const metrics = { w12: 0.8, w21: 0.5, w23: -0.6, w32: 0.3 };
    // D = diag(1, −1, 1) flips w12, w21, w23, w32 all; D = diag(1, 1, −1) flips w23, w32.
    const copies = [
      metrics,
      { w12: -0.8, w21: -0.5, w23: 0.6, w32: -0.3 },
      { w12: 0.8, w21: 0.5, w23: 0.6, w32: -0.3 },
    ].map((m, k) => handRun(3, k, m));
    expect(copies.map(outcome)).toEqual([
      [0.8, 0.5, 0.6, 0.3],
      [0.8, 0.5, 0.6, 0.3],
      [0.8, 0.5, 0.6, 0.3],
    ]);
    const tight = spread(copies);
    expect(tight.medianDistance).toBe(0);
    expect(tight.within).toBe(1);
    // Two outcomes 1 apart in one entry and one at the median: the far one is outside CLUSTER_RADIUS.
    const loose = spread([handRun(3, 0, metrics), handRun(3, 1, metrics), handRun(3, 2, { ...metrics, w12: 1.8 })]);
    expect(loose.centre).toEqual([0.8, 0.5, 0.6, 0.3]);
    expect(loose.within).toBeCloseTo(2 / 3, 15);
    expect(CLUSTER_RADIUS).toBeLessThan(1);
  });
});
