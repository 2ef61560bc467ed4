/**
 * The infinite-depth-completion verdict (docs/flow.md, "The infinite-depth completion preset"): per
 * depth and sign of det W(0), the fraction of converged runs that end rank 1 with its binomial
 * standard error, and the median effective rank. Two fractions differ when they are more than 3
 * combined standard errors √(se₁² + se₂²) apart, so a trend must beat the seed noise of its cells.
 */
import { binomialStandardError, median } from '../analysis/statistics.js';
import type { FlowDepth } from '../config/types.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatNumber } from '../display/format.js';
import { formatTable, fraction } from './table.js';
import type { Verdict } from './types.js';
import { DET_BIN_WIDTH, DET_BINS, reachedBox, UNIFORM_SAMPLES, volumeBias, medianLogVolume, type VolumeBias } from './volume-bias.js';

/** A run has converged when its loss is below this: the observed entries fit to ~1e-3. */
const CONVERGED_LOSS = 1e-6;
/** Rank 1: |det W| = σ₁σ₂ below this (for a fitted W, |w₁₂w₂₁ − 1|). */
export const RANK_ONE_DET = 0.05;
/** At least this fraction of each cell's runs must converge for its fraction to mean anything. */
const MIN_CONVERGED = 0.75;
/** Standard errors by which two fractions must be apart to differ. */
const SE_MULTIPLE = 3;

export interface Cell {
  depth: FlowDepth;
  runs: number;
  converged: number;
  /** Fraction of the converged runs with |det W| < RANK_ONE_DET, and its binomial standard error. */
  rankOne: number;
  se: number;
  medianRank: number;
}

/** a − b in units of their combined standard error (±∞ when both are exact and unequal, 0 when equal). */
const zScore = (a: Cell, b: Cell) => {
  const se = Math.hypot(a.se, b.se);
  return se === 0 ? (a.rankOne === b.rankOne ? 0 : Math.sign(a.rankOne - b.rankOne) * Infinity) : (a.rankOne - b.rankOne) / se;
};

export function infiniteDepthVerdict(result: ExperimentResult): Verdict {
  const claim =
    'In 2×2 completion with w11 = w22 = 1 observed, the depth-normalised end-to-end flow from a small balanced random start ends rank 1 (on the hyperbola ' +
    'w12·w21 = 1) whenever det W(0) < 0, at every depth; when det W(0) > 0, depth 2 mostly ends full rank and the deeper the flow, up to N = ∞, the more often it ends rank 1 ' +
    '(Cohen, Menon & Veraszto 2023, Figure 4).';
  const eligible = result.runs.filter((run) => run.config.train.method === 'flow' && 'det' in run.metrics && 'det0' in run.metrics);
  const depths = [...new Set(eligible.map((run) => run.config.train.flowDepth))].sort((a, b) => depthOrder(a) - depthOrder(b));
  if (!depths.includes(2) || !depths.includes('infinity')) {
    return { claim, measured: ['needs flow runs of this preset at depth 2 and at depth ∞'], pass: false, summary: 'FAIL: nothing to compare across depths' };
  }
  const cellsOf = (sign: number) =>
    depths.map((depth) => cell(depth, eligible.filter((run) => run.config.train.flowDepth === depth && Math.sign(run.metrics.det0!) === sign)));
  const negative = cellsOf(-1);
  const positive = cellsOf(1);
  const row = (sign: string, c: Cell) => [
    depthLabel(c.depth),
    sign,
    fraction(c.converged, c.runs),
    `${formatNumber(c.rankOne, 3)} ± ${formatNumber(c.se, 2)}`,
    formatNumber(c.medianRank, 4),
  ];
  const measured = [
    ...formatTable(
      ['N', 'det W(0)', 'converged', `rank 1 (|det W| < ${RANK_ONE_DET}) ± SE`, 'median eff. rank'],
      depths.flatMap((_, i) => [row('< 0', negative[i]!), row('> 0', positive[i]!)]),
    ),
    `converged: loss < ${CONVERGED_LOSS.toExponential(0)}; fractions are over the converged runs, SE = √(p(1 − p)/n); two fractions differ when more than ${SE_MULTIPLE} combined SE √(se₁² + se₂²) apart`,
  ];

  const cells = [...negative, ...positive];
  const converged = cells.every((c) => c.runs > 0 && c.converged >= MIN_CONVERGED * c.runs);
  // p ≥ 1 − 3·SE: with SE = √(p(1 − p)/n) this allows k failures of n only while k ≤ 9(n − k)/n, i.e. at most 8.
  const negativeRankOne = negative.every((c) => c.rankOne >= 1 - SE_MULTIPLE * c.se);
  const drops = positive.slice(1).flatMap((c, i) => (zScore(c, positive[i]!) < -SE_MULTIPLE ? [`${depthLabel(positive[i]!.depth)} → ${depthLabel(c.depth)}`] : []));
  const first = positive[0]!;
  const last = positive[positive.length - 1]!;
  const gained = zScore(last, first) > SE_MULTIPLE;
  const shallowFullRank = first.rankOne < 0.5;
  const pass = converged && negativeRankOne && drops.length === 0 && gained && shallowFullRank;
  const trend = (cs: Cell[]) => cs.map((c) => `${formatNumber(c.rankOne, 3)}±${formatNumber(c.se, 2)}`).join(' → ');
  const why = [
    converged ? '' : `fewer than ${100 * MIN_CONVERGED}% of some cell's runs converged; `,
    negativeRankOne ? '' : `det W(0) < 0 falls short of rank 1 (fraction < 1 − ${SE_MULTIPLE} SE) at some depth; `,
    drops.length === 0 ? '' : `det W(0) > 0: the rank-1 fraction drops by more than ${SE_MULTIPLE} SE at ${drops.join(', ')}; `,
    gained ? '' : `det W(0) > 0: N = ∞ is not more often rank 1 than N = 2 by more than ${SE_MULTIPLE} SE (z = ${formatNumber(zScore(last, first), 3)}); `,
    shallowFullRank ? '' : 'det W(0) > 0: N = 2 ends rank 1 in half the runs or more; ',
  ].join('');
  const numbers = `rank-1 fraction by depth ${depths.map(depthLabel).join(', ')}: det W(0) < 0 ${trend(negative)}; det W(0) > 0 ${trend(positive)}`;
  const volume = volumeLines(depths, eligible.filter(isConverged));
  return { claim, measured: [...measured, ...volume.measured], pass, summary: `${pass ? `PASS: ${numbers}` : `FAIL: ${why}${numbers}`}${volume.summary}` };
}

/**
 * What the volume bias looks like (volume-bias.ts): reported beside the verdict, not part of it, since
 * the paper proposes the bias as an explanation and states no threshold for it.
 */
function volumeLines(depths: FlowDepth[], converged: ExperimentRun[]): { measured: string[]; summary: string } {
  if (converged.length === 0) return { measured: [], summary: '' };
  const box = reachedBox(converged);
  const rows = depths.map((depth) => volumeBias(depth, converged.filter((run) => run.config.train.flowDepth === depth), box));
  const percent = (p: number) => `${formatNumber(100 * p, 3)} %`;
  const trajectory = (depth: FlowDepth) => {
    const points = medianLogVolume(converged.filter((run) => run.config.train.flowDepth === depth));
    return points.length === 0 ? '—' : [points[0]!, points[Math.floor(points.length / 2)]!, points[points.length - 1]!].map(([t, v]) => `${formatNumber(v, 3)} (t ${formatNumber(t, 3)})`).join(' → ');
  };
  const measured = [
    ...formatTable(
      ['N', 'reached', 'log-volume above % of uniform', 'within its |det W| bin', `share with |det W| < ${DET_BIN_WIDTH}: reached / uniform`, 'median log-volume along the runs'],
      rows.map((r: VolumeBias) => [depthLabel(r.depth), String(r.reached), percent(r.percentile), percent(r.binPercentile), `${percent(r.reachedShare[0]!)} / ${percent(r.uniformShare[0]!)}`, trajectory(r.depth)]),
    ),
    `volume bias (docs/flow.md): the converged runs' minimisers [[1, w12], [w21, 1]] against ${UNIFORM_SAMPLES} minimisers [[1, a], [b, 1]] with (a, b) uniform on [−${formatNumber(box, 3)}, ${formatNumber(box, 3)}]² (the largest |w12|, |w21| reached), log-volume density of SPEC §8 at each depth; bins of |det W| of width ${DET_BIN_WIDTH}, the last from ${DET_BINS * DET_BIN_WIDTH} open`,
  ];
  const deepest = rows[rows.length - 1]!;
  const summary = `; volume: reached minimisers have higher log-volume than ${percent(deepest.percentile)} of uniformly sampled ones at N = ${depthLabel(deepest.depth)} (${percent(deepest.binPercentile)} within their |det W| bin), ${percent(rows[0]!.percentile)} at N = ${depthLabel(rows[0]!.depth)}`;
  return { measured, summary };
}

const isConverged = (run: ExperimentRun) => run.finalLoss < CONVERGED_LOSS;

function cell(depth: FlowDepth, runs: ExperimentRun[]): Cell {
  const converged = runs.filter(isConverged);
  const rankOne = converged.filter((run) => Math.abs(run.metrics.det!) < RANK_ONE_DET).length / converged.length;
  return {
    depth,
    runs: runs.length,
    converged: converged.length,
    rankOne,
    se: binomialStandardError(rankOne, converged.length),
    medianRank: median(converged.map((run) => run.metrics.effectiveRank!)),
  };
}

const depthOrder = (depth: FlowDepth) => (depth === 'infinity' ? Infinity : depth);
const depthLabel = (depth: FlowDepth) => (depth === 'infinity' ? '∞' : String(depth));
