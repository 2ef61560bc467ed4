/**
 * The verdict of the CMV completion presets (docs/flow.md, "The infinite-depth completion preset"):
 * per depth and sign of det W(0), the fraction of converged runs that end at the low rank the claim
 * names (rank 1 for the 2×2 case, rank 2 for the 3×3 one) with its binomial standard error, and the
 * median effective rank. Two fractions differ when they are more than 3 combined standard errors
 * √(se₁² + se₂²) apart, so a trend must beat the seed noise of its cells. The flow keeps the sign
 * of det W, and the claim is the same in both cases: det W(0) < 0 ends low-rank at every depth,
 * det W(0) > 0 does so more often the deeper the flow, rarely at depth 2.
 */
import { binomialStandardError, median } from '../analysis/statistics.js';
import type { FlowDepth } from '../config/types.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatNumber } from '../display/format.js';
import { formatTable, fraction } from './table.js';
import type { Verdict } from './types.js';
import {
  DET_BIN_WIDTH,
  DET_BINS,
  reachedBox,
  UNIFORM_SAMPLES,
  volumeBias,
  medianLogVolume,
  type VolumeBias,
} from './volume-bias.js';

/** A run has converged when its loss is below this: the observed entries fit to ~1e-3. */
const CONVERGED_LOSS = 1e-6;
/** Rank 1: |det W| = σ₁σ₂ below this (for a fitted W, |w₁₂w₂₁ − 1|). */
export const RANK_ONE_DET = 0.05;
/** At least this fraction of each cell's runs must converge for its fraction to mean anything. */
const MIN_CONVERGED = 0.75;
/** Standard errors by which two fractions must be apart to differ. */
const SE_MULTIPLE = 3;

/** What one preset's verdict calls low rank, and its claim. */
export interface LowRankSpec {
  claim: string;
  /** e.g. "rank 1", in the table and the messages. */
  label: string;
  /** The test, as the table's header states it, e.g. "|det W| < 0.05". */
  rule: string;
  isLowRank(run: ExperimentRun): boolean;
  /** Lines and a summary addendum reported beside the verdict (the converged runs, the depths in order). */
  report?(depths: FlowDepth[], converged: ExperimentRun[]): { measured: string[]; summary: string };
}

export interface Cell {
  depth: FlowDepth;
  runs: number;
  converged: number;
  /** Fraction of the converged runs that end low-rank (LowRankSpec.isLowRank), and its binomial standard error. */
  lowRank: number;
  se: number;
  medianRank: number;
}

/** a − b in units of their combined standard error (±∞ when both are exact and unequal, 0 when equal). */
const zScore = (a: Cell, b: Cell) => {
  const se = Math.hypot(a.se, b.se);
  return se === 0
    ? a.lowRank === b.lowRank
      ? 0
      : Math.sign(a.lowRank - b.lowRank) * Infinity
    : (a.lowRank - b.lowRank) / se;
};

const TWO_BY_TWO: LowRankSpec = {
  claim:
    'In 2×2 completion with w11 = w22 = 1 observed, the depth-normalised end-to-end flow from a small balanced random start ends rank 1 (on the hyperbola ' +
    'w12·w21 = 1) whenever det W(0) < 0, at every depth; when det W(0) > 0, depth 2 mostly ends full rank and the deeper the flow, up to N = ∞, the more often it ends rank 1 ' +
    '(Cohen, Menon & Veraszto 2023, Figure 4).',
  label: 'rank 1',
  rule: `|det W| < ${RANK_ONE_DET}`,
  isLowRank: (run) => Math.abs(run.metrics.det!) < RANK_ONE_DET,
  report: volumeLines,
};

export const infiniteDepthVerdict = (result: ExperimentResult): Verdict => lowRankVerdict(result, TWO_BY_TWO);

export function lowRankVerdict(result: ExperimentResult, spec: LowRankSpec): Verdict {
  const { claim, label } = spec;
  const eligible = result.runs.filter(
    (run) => run.config.train.method === 'flow' && 'det' in run.metrics && 'det0' in run.metrics,
  );
  const depths = [...new Set(eligible.map((run) => run.config.train.flowDepth))].sort(
    (a, b) => depthOrder(a) - depthOrder(b),
  );
  if (!depths.includes(2) || !depths.includes('infinity')) {
    return {
      claim,
      measured: ['needs flow runs of this preset at depth 2 and at depth ∞'],
      pass: false,
      summary: 'FAIL: nothing to compare across depths',
    };
  }
  const cellsOf = (sign: number) =>
    depths.map((depth) =>
      cell(
        depth,
        eligible.filter((run) => run.config.train.flowDepth === depth && Math.sign(run.metrics.det0!) === sign),
        spec,
      ),
    );
  const negative = cellsOf(-1);
  const positive = cellsOf(1);
  const row = (sign: string, c: Cell) => [
    depthLabel(c.depth),
    sign,
    fraction(c.converged, c.runs),
    `${formatNumber(c.lowRank, 3)} ± ${formatNumber(c.se, 2)}`,
    formatNumber(c.medianRank, 4),
  ];
  const measured = [
    ...formatTable(
      ['N', 'det W(0)', 'converged', `${label} (${spec.rule}) ± SE`, 'median eff. rank'],
      depths.flatMap((_, i) => [row('< 0', negative[i]!), row('> 0', positive[i]!)]),
    ),
    `converged: loss < ${CONVERGED_LOSS.toExponential(0)}; fractions are over the converged runs, SE = √(p(1 − p)/n); two fractions differ when more than ${SE_MULTIPLE} combined SE √(se₁² + se₂²) apart`,
  ];

  const cells = [...negative, ...positive];
  const converged = cells.every((c) => c.runs > 0 && c.converged >= MIN_CONVERGED * c.runs);
  // p ≥ 1 − 3·SE: with SE = √(p(1 − p)/n) this allows k failures of n only while k ≤ 9(n − k)/n, i.e. at most 8.
  const negativeLowRank = negative.every((c) => c.lowRank >= 1 - SE_MULTIPLE * c.se);
  const drops = positive
    .slice(1)
    .flatMap((c, i) =>
      zScore(c, positive[i]!) < -SE_MULTIPLE ? [`${depthLabel(positive[i]!.depth)} → ${depthLabel(c.depth)}`] : [],
    );
  const first = positive[0]!;
  const last = positive[positive.length - 1]!;
  const gained = zScore(last, first) > SE_MULTIPLE;
  const shallowFullRank = first.lowRank < 0.5;
  const pass = converged && negativeLowRank && drops.length === 0 && gained && shallowFullRank;
  const trend = (cs: Cell[]) => cs.map((c) => `${formatNumber(c.lowRank, 3)}±${formatNumber(c.se, 2)}`).join(' → ');
  const why = [
    converged ? '' : `fewer than ${100 * MIN_CONVERGED}% of some cell's runs converged; `,
    negativeLowRank ? '' : `det W(0) < 0 falls short of ${label} (fraction < 1 − ${SE_MULTIPLE} SE) at some depth; `,
    drops.length === 0
      ? ''
      : `det W(0) > 0: the ${label} fraction drops by more than ${SE_MULTIPLE} SE at ${drops.join(', ')}; `,
    gained
      ? ''
      : `det W(0) > 0: N = ∞ is not more often ${label} than N = 2 by more than ${SE_MULTIPLE} SE (z = ${formatNumber(zScore(last, first), 3)}); `,
    shallowFullRank ? '' : `det W(0) > 0: N = 2 ends ${label} in half the runs or more; `,
  ].join('');
  const numbers = `${label} fraction by depth ${depths.map(depthLabel).join(', ')}: det W(0) < 0 ${trend(negative)}; det W(0) > 0 ${trend(positive)}`;
  const extra = spec.report?.(depths, eligible.filter(isConverged)) ?? { measured: [], summary: '' };
  return {
    claim,
    measured: [...measured, ...extra.measured],
    pass,
    summary: `${pass ? `PASS: ${numbers}` : `FAIL: ${why}${numbers}`}${extra.summary}`,
  };
}

/**
 * What the volume bias looks like (volume-bias.ts): reported beside the verdict, not part of it, since
 * the paper proposes the bias as an explanation and states no threshold for it.
 */
function volumeLines(depths: FlowDepth[], converged: ExperimentRun[]): { measured: string[]; summary: string } {
  if (converged.length === 0) return { measured: [], summary: '' };
  const box = reachedBox(converged);
  const rows = depths.map((depth) =>
    volumeBias(
      depth,
      converged.filter((run) => run.config.train.flowDepth === depth),
      box,
    ),
  );
  const percent = (p: number) => `${formatNumber(100 * p, 3)} %`;
  const trajectory = (depth: FlowDepth) => {
    const points = medianLogVolume(converged.filter((run) => run.config.train.flowDepth === depth));
    return points.length === 0
      ? '—'
      : [points[0]!, points[Math.floor(points.length / 2)]!, points[points.length - 1]!]
          .map(([t, v]) => `${formatNumber(v, 3)} (t ${formatNumber(t, 3)})`)
          .join(' → ');
  };
  const measured = [
    ...formatTable(
      [
        'N',
        'reached',
        'log-volume above % of uniform',
        'within its |det W| bin',
        `share with |det W| < ${DET_BIN_WIDTH}: reached / uniform`,
        'median log-volume along the runs',
      ],
      rows.map((r: VolumeBias) => [
        depthLabel(r.depth),
        String(r.reached),
        percent(r.percentile),
        percent(r.binPercentile),
        `${percent(r.reachedShare[0]!)} / ${percent(r.uniformShare[0]!)}`,
        trajectory(r.depth),
      ]),
    ),
    `volume bias (docs/flow.md): the converged runs' minimisers [[1, w12], [w21, 1]] against ${UNIFORM_SAMPLES} minimisers [[1, a], [b, 1]] with (a, b) uniform on [−${formatNumber(box, 3)}, ${formatNumber(box, 3)}]² (the largest |w12|, |w21| reached), log-volume density of SPEC §8 at each depth; bins of |det W| of width ${DET_BIN_WIDTH}, the last from ${DET_BINS * DET_BIN_WIDTH} open`,
  ];
  const deepest = rows[rows.length - 1]!;
  const summary = `; volume: reached minimisers have higher log-volume than ${percent(deepest.percentile)} of uniformly sampled ones at N = ${depthLabel(deepest.depth)} (${percent(deepest.binPercentile)} within their |det W| bin), ${percent(rows[0]!.percentile)} at N = ${depthLabel(rows[0]!.depth)}`;
  return { measured, summary };
}

const isConverged = (run: ExperimentRun) => run.finalLoss < CONVERGED_LOSS;

function cell(depth: FlowDepth, runs: ExperimentRun[], spec: LowRankSpec): Cell {
  const converged = runs.filter(isConverged);
  const lowRank = converged.filter(spec.isLowRank).length / converged.length;
  return {
    depth,
    runs: runs.length,
    converged: converged.length,
    lowRank,
    se: binomialStandardError(lowRank, converged.length),
    medianRank: median(converged.map((run) => run.metrics.effectiveRank!)),
  };
}

const depthOrder = (depth: FlowDepth) => (depth === 'infinity' ? Infinity : depth);
export const depthLabel = (depth: FlowDepth) => (depth === 'infinity' ? '∞' : String(depth));
