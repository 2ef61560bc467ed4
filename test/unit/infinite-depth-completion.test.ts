/**
 * The infinite-depth-completion preset without a GPU: det W(0) from its measure hook against the
 * Gaussian draw a balanced random start factorises, and its verdict on hand-made results (one that
 * passes, one failing on each criterion). The preset's GPU plumbing is in flow.gpu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { expandRuns } from '../../src/config/index.js';
import type { FlowDepth } from '../../src/config/types.js';
import { fullTrace } from '../../src/experiment/experiment-run.js';
import type { ExperimentResult, ExperimentRun } from '../../src/experiment/types.js';
import { logVolumeDensity } from '../../src/flow/volume.js';
import { fromRows } from '../../src/linalg/matrix.js';
import { det, infiniteDepthCompletion as preset } from '../../src/presets/infinite-depth-completion.js';
import { buildTask } from '../../src/problem/task.js';
import { Rng, STREAMS, gaussianMatrix } from '../../src/random.js';
import { medianLogVolume, reachedBox, uniformMinimisers, volumeBias } from '../../src/presets/volume-bias.js';
import { resultOf } from '../helpers/results.js';

const DEPTHS: FlowDepth[] = [2, 3, 5, 10, 20, 'infinity'];

describe('infinite-depth-completion measure', () => {
  it('det of a 2×2 matrix', () => {
    expect(
      det(
        fromRows([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe(-2);
  });

  it('det0 is the det of the Gaussian W(0) of the run seed, the same at every flow depth', () => {
    const runs = expandRuns({ ...preset.config, seeds: 8 });
    const signs = new Set<number>();
    for (const run of runs) {
      // SPEC §5 random balanced start: W(0) has i.i.d. N(0, scale²/n_0) entries from substream 0 of the init stream.
      const [[a, b], [c, d]] = toRows(
        gaussianMatrix(new Rng(run.config.init.seed, STREAMS.init, 0), 2, 2, run.config.init.scale! / Math.sqrt(2)),
      );
      const metrics = preset.measure!(
        run,
        [
          fromRows([
            [1, 0.5],
            [2, 1],
          ]),
        ],
        buildTask(run.config),
      );
      expect(metrics.det0).toBeCloseTo(a! * d! - b! * c!, 15);
      expect(metrics.det).toBeCloseTo(0, 12);
      expect(metrics.w12).toBe(0.5);
      expect(metrics.w21).toBe(2);
      signs.add(Math.sign(metrics.det0!));
    }
    expect(signs).toEqual(new Set([-1, 1]));
  });
});

const toRows = (m: { rows: number; cols: number; data: ArrayLike<number> }) =>
  Array.from({ length: m.rows }, (_, i) => Array.from({ length: m.cols }, (_, j) => m.data[i * m.cols + j]!));

/**
 * A result of 128 det W(0) < 0 (even seeds) and 128 det W(0) > 0 runs per depth, of which the first
 * rankOne(depth, sign) end rank 1 (|det W| = 0.001, else 0.5) and the first unconverged(depth, sign) have loss 0.5.
 */
function handMade(
  rankOne: (depth: FlowDepth, sign: number) => number,
  unconverged: (depth: FlowDepth, sign: number) => number = () => 0,
  depths = DEPTHS,
): ExperimentResult {
  const runs = expandRuns({ ...preset.config, sweep: { 'train.flowDepth': depths } }).map((run): ExperimentRun => {
    const depth = run.config.train.flowDepth;
    const seed = run.config.init.seed;
    const sign = seed % 2 === 0 ? -1 : 1;
    const index = Math.floor(seed / 2);
    const metrics = {
      w12: 1,
      w21: 1,
      det: index < rankOne(depth, sign) ? 0.001 : 0.5,
      det0: sign * 1e-4,
      effectiveRank: index < rankOne(depth, sign) ? 1.01 : 1.8,
    };
    const trace = fullTrace({
      steps: [0, 750],
      times: [0, 1500],
      losses: [1, 0],
      singularValues: [
        [0.02, 0.01],
        [2, 0.5],
      ],
    });
    return {
      id: run.id,
      overrides: run.overrides,
      config: run.config,
      finalLoss: index < unconverged(depth, sign) ? 0.5 : 0,
      metrics,
      trace,
    } as unknown as ExperimentRun;
  });
  return resultOf(preset.config, runs);
}

/** det W(0) > 0 rank-1 counts of 128 per depth, as measured; det W(0) < 0 all rank 1. */
const RISING: Record<string, number> = { 2: 2, 3: 57, 5: 96, 10: 110, 20: 112, infinity: 114 };
const passing = (depth: FlowDepth, sign: number) => (sign < 0 ? 128 : RISING[String(depth)]!);

describe('infinite-depth-completion verdict', () => {
  it('passes on the measured shape and prints a row per depth and sign', () => {
    const verdict = preset.verdict(handMade(passing));
    expect(verdict.pass).toBe(true);
    expect(verdict.summary).toMatch(/^PASS: /);
    expect(verdict.measured.filter((line) => /^(2|3|5|10|20|∞) +[<>] 0 /.test(line))).toHaveLength(12);
    // 2/128 rank 1: p = 0.0156, SE = √(p(1 − p)/128) = 0.011.
    expect(verdict.measured.find((line) => /^2 +> 0/.test(line))).toContain('0.0156 ± 0.011');
  });

  it('fails when det W(0) < 0 misses rank 1 by more than 3 SE at one depth (10 of 128: 1 − p = 0.078 > 3 SE = 0.071)', () => {
    const verdict = preset.verdict(handMade((depth, sign) => (sign < 0 && depth === 10 ? 118 : passing(depth, sign))));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain('det W(0) < 0 falls short');
  });

  it('allows a few det W(0) < 0 misses within 3 SE (8 of 128)', () => {
    expect(
      preset.verdict(handMade((depth, sign) => (sign < 0 && depth === 10 ? 120 : passing(depth, sign)))).pass,
    ).toBe(true);
  });

  it('fails when det W(0) > 0 drops by more than 3 SE from one depth to the next', () => {
    const verdict = preset.verdict(handMade((depth, sign) => (sign > 0 && depth === 5 ? 10 : passing(depth, sign))));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain('drops by more than 3 SE at 3 → 5');
  });

  it('fails when ∞ is not more often rank 1 than 2 by more than 3 SE', () => {
    const verdict = preset.verdict(handMade((_, sign) => (sign < 0 ? 128 : 20)));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain('N = ∞ is not more often rank 1 than N = 2');
  });

  it('fails when depth 2 with det W(0) > 0 ends rank 1 in half its runs or more', () => {
    const verdict = preset.verdict(handMade((depth, sign) => (sign < 0 ? 128 : depth === 2 ? 64 : 128)));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain('N = 2 ends rank 1 in half the runs or more');
  });

  it('fails when fewer than 75% of a cell converged', () => {
    const verdict = preset.verdict(handMade(passing, (depth, sign) => (depth === 'infinity' && sign > 0 ? 40 : 0)));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toContain("some cell's runs converged");
  });

  it('fails without depth 2 or ∞', () => {
    expect(preset.verdict(handMade(passing, undefined, [5, 10, 20, 'infinity'])).summary).toMatch(
      /^FAIL: nothing to compare/,
    );
  });
});

/** A converged run of the preset at this flow depth that ended at W = [[1, a], [b, 1]]. */
function reachedRun(
  depth: FlowDepth,
  a: number,
  b: number,
  singularValues: number[][] = [
    [0.02, 0.01],
    [2, 0.5],
  ],
): ExperimentRun {
  const [run] = expandRuns({ ...preset.config, seeds: 1, sweep: { 'train.flowDepth': [depth] } });
  const trace = fullTrace({
    steps: singularValues.map((_, i) => 75 * i),
    times: singularValues.map((_, i) => 150 * i),
    losses: singularValues.map(() => 0),
    singularValues,
  });
  return {
    id: 0,
    overrides: {},
    config: run!.config,
    finalLoss: 0,
    metrics: { w12: a, w21: b },
    trace,
  } as unknown as ExperimentRun;
}

describe('infinite-depth-completion volume bias', () => {
  it('draws the same uniform sample of (a, b) on the box every time, filling it', () => {
    const sample = uniformMinimisers(1.5);
    expect(sample).toHaveLength(4096);
    expect(uniformMinimisers(1.5)).toEqual(sample);
    const a = sample.map(([x]) => x);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1.5);
    // Uniform on [−1.5, 1.5]: mean 0 ± 3·0.87/√4096 = 0.04, and a quarter of the points below −0.75 (± 3·√(3/16/4096) = 0.02).
    expect(Math.abs(a.reduce((s, x) => s + x, 0) / a.length)).toBeLessThan(0.04);
    expect(Math.abs(a.filter((x) => x < -0.75).length / a.length - 0.25)).toBeLessThan(0.02);
  });

  it('a minimiser near the hyperbola (|det W| = 1e-3) has higher log-volume than nearly every uniform one; the identity (σ₁ = σ₂, density 0) than none', () => {
    const nearRankOne = volumeBias('infinity', [reachedRun('infinity', 1, 0.999)], 1.5);
    expect(nearRankOne.percentile).toBeGreaterThan(0.99);
    expect(nearRankOne.reachedShare[0]).toBe(1);
    const identity = volumeBias(3, [reachedRun(3, 0, 0)], 1.5);
    expect(identity.percentile).toBe(0);
    // The identity's |det W| = 1 lies in bin 4 of width 0.25; in it, too, every uniform minimiser has more volume.
    expect(identity.reachedShare[4]).toBe(1);
    expect(identity.binPercentile).toBe(0);
  });

  it('within a |det W| bin the percentile ranks by log-volume at the given depth', () => {
    // Both have |det W| = 0.5 (bin 2); [[1, 0.5], [1, 1]] and [[1, 2], [0.25, 1]]: the more unequal σ has the smaller σ₂, the larger ∞-volume.
    const { binPercentile: balanced } = volumeBias('infinity', [reachedRun('infinity', 0.5, 1)], 2);
    const { binPercentile: stretched } = volumeBias('infinity', [reachedRun('infinity', 2, 0.25)], 2);
    const sigma = (a: number, b: number) => {
      const sum = 2 + a * a + b * b;
      const gap = Math.sqrt(sum * sum - 4 * (1 - a * b) ** 2);
      return [Math.sqrt((sum + gap) / 2), Math.sqrt((sum - gap) / 2)];
    };
    expect(logVolumeDensity(sigma(2, 0.25), 'infinity')).toBeGreaterThan(logVolumeDensity(sigma(0.5, 1), 'infinity'));
    expect(stretched).toBeGreaterThan(balanced);
  });

  it('the box is the largest reached |w12|, |w21|; the trajectory is the median log-volume per record', () => {
    const runs = [reachedRun(3, 1.2, -0.3), reachedRun(3, 0.1, -1.7), reachedRun(3, 0.4, 0.4)];
    expect(reachedBox(runs)).toBe(1.7);
    const [[t0, v0], [t1, v1]] = medianLogVolume(runs);
    expect([t0, t1]).toEqual([0, 150]);
    expect(v0).toBeCloseTo(logVolumeDensity([0.02, 0.01], 3), 12);
    expect(v1).toBeCloseTo(logVolumeDensity([2, 0.5], 3), 12);
  });

  it('the verdict reports the volume bias per depth without changing its pass', () => {
    const verdict = preset.verdict(handMade(passing));
    expect(verdict.pass).toBe(true);
    expect(verdict.measured.some((line) => line.startsWith('volume bias'))).toBe(true);
    expect(verdict.summary).toMatch(
      /volume: reached minimisers have higher log-volume than [\d.]+ % of uniformly sampled ones at N = ∞/,
    );
  });
});
