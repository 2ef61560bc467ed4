/**
 * Cohen, Menon & Veraszto's 2×2 completion experiment ("Deep linear networks for matrix completion
 * — an infinite depth limit", 2023): observe w₁₁ = w₂₂ = 1 and leave w₁₂, w₂₁ free. Every
 * W = [[1, a], [b, 1]] fits the data; the rank-1 ones form the hyperbola ab = 1 (det W = 1 − ab).
 * The depth-normalised end-to-end flow (SPEC §6) from many small balanced random starts runs at
 * depths 5, 10, 20 and ∞, and the claim is that depth biases where it ends towards the hyperbola.
 *
 * Choices (docs/flow.md, "The infinite-depth completion preset"): W(0) with i.i.d. N(0, 0.01²/2)
 * entries (init.scale 0.01: smaller starts sharpen the bias, but the N = ∞ flow leaves the origin
 * only after t ~ 1/σ(0)); RK4 with η = 2 to t = 2000 (on the Float64 reference the statistics
 * below agree with those of η = 0.1 to the digits shown); 64 seeds per depth.
 */
import { effectiveRank } from '../analysis/spectrum.js';
import { quantile } from '../analysis/statistics.js';
import type { FlowDepth } from '../config/types.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { singularValues } from '../linalg/decompositions.js';
import type { Matrix } from '../linalg/matrix.js';
import { endToEnd } from '../reference/loss.js';
import { formatNumber } from '../view/format.js';
import { formatTable, fraction } from './table.js';
import type { Preset, Verdict } from './types.js';

/** A run has converged when its loss is below this: the observed entries fit to ~1e-3. */
const CONVERGED_LOSS = 1e-6;
/** On the hyperbola: |w₁₂w₂₁ − 1| = |det W| below this (for a fitted W). */
const HYPERBOLA_TOLERANCE = 0.05;
/** Trend slack: two depths tie when their hyperbola fractions or mean effective ranks differ by less. */
const FRACTION_SLACK = 0.03;
const RANK_SLACK = 0.002;
/** At least this fraction of each depth's runs must converge for the comparison to mean anything. */
const MIN_CONVERGED = 0.75;
/** Upper edges of the effective-rank histogram's bins, from 1 (rank one) to 2 (equal σ). */
const RANK_BINS = [1.01, 1.02, 1.05, 1.1, 1.2, 1.5, 2];

export const infiniteDepthCompletion: Preset = {
  name: 'infinite-depth-completion',
  description:
    'CMV 2×2 completion (w11 = w22 = 1 observed): the end-to-end flow at depths 5, 10, 20 and ∞ from 64 small random starts ends nearer the rank-1 hyperbola w12·w21 = 1 the deeper it is',
  config: {
    name: 'infinite-depth-completion',
    // The mask hides the off-diagonal target entries from the loss; 0 is a placeholder.
    task: { kind: 'completion', target: { matrix: [[1, 0], [0, 1]] }, mask: [[1, 0], [0, 1]] },
    // The flow trains W itself; the network only supplies W(0), which a balanced start reproduces exactly at any depth.
    network: { depth: 1, width: 2 },
    init: { kind: 'balanced', scale: 0.01, seed: 0 },
    train: { lr: 2, steps: 1000, method: 'flow', integrator: 'rk4' },
    record: { every: 100 },
    seeds: 64,
    sweep: { 'train.flowDepth': [5, 10, 20, 'infinity'] },
  },
  measure: (_run, layers) => hyperbolaMetrics(endToEnd(layers)),
  verdict: infiniteDepthVerdict,
};

/** Where (w₁₂, w₂₁) ended, its distance |w₁₂w₂₁ − 1| from the hyperbola, and W's effective rank (Float64). */
export function hyperbolaMetrics(w: Matrix): Record<string, number> {
  const w12 = w.data[1]!;
  const w21 = w.data[2]!;
  return { w12, w21, hyperbolaGap: Math.abs(w12 * w21 - 1), effectiveRank: effectiveRank(singularValues(w)) };
}

interface DepthRow {
  depth: FlowDepth;
  runs: number;
  converged: ExperimentRun[];
  onHyperbola: number;
  products: number[];
  medianGap: number;
  meanRank: number;
  histogram: number[];
}

function infiniteDepthVerdict(result: ExperimentResult): Verdict {
  const claim =
    'In 2×2 completion with w11 = w22 = 1 observed, the depth-normalised end-to-end flow from a small random start ends closer to the rank-1 hyperbola ' +
    'w12·w21 = 1 (lower effective rank) the deeper it is, up to N = ∞ (Cohen, Menon & Veraszto 2023).';
  const eligible = result.runs.filter((run) => run.config.train.method === 'flow' && 'hyperbolaGap' in run.metrics);
  const depths = [...new Set(eligible.map((run) => run.config.train.flowDepth))].sort((a, b) => depthOrder(a) - depthOrder(b));
  if (depths.length < 2) {
    return { claim, measured: ['needs flow runs of this preset at two depths or more'], pass: false, summary: 'FAIL: nothing to compare across depths' };
  }
  const rows = depths.map((depth) => depthRow(depth, eligible.filter((run) => run.config.train.flowDepth === depth)));
  const measured = [
    ...formatTable(
      ['N', 'converged', `|w12·w21 − 1| < ${HYPERBOLA_TOLERANCE}`, 'w12·w21 quartiles', 'median |w12·w21 − 1|', 'mean eff. rank', `eff. rank histogram (<${RANK_BINS.join(', <')})`],
      rows.map((r) => [
        depthLabel(r.depth),
        fraction(r.converged.length, r.runs),
        `${(100 * r.onHyperbola).toFixed(0)}%`,
        [0.25, 0.5, 0.75].map((q) => formatNumber(quantile(r.products, q), 4)).join(' / '),
        formatNumber(r.medianGap, 3),
        formatNumber(r.meanRank, 4),
        r.histogram.join(' '),
      ]),
    ),
    `converged: loss < ${CONVERGED_LOSS.toExponential(0)}; the statistics are over the converged runs`,
  ];
  const converged = rows.every((r) => r.converged.length >= MIN_CONVERGED * r.runs);
  const pairs = rows.slice(1).map((r, i) => [rows[i]!, r] as const);
  const monotone = pairs.every(([a, b]) => b.onHyperbola >= a.onHyperbola - FRACTION_SLACK && b.meanRank <= a.meanRank + RANK_SLACK);
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const gained = last.onHyperbola > first.onHyperbola && last.meanRank < first.meanRank;
  const pass = converged && monotone && gained;
  const trend = rows.map((r) => `${(100 * r.onHyperbola).toFixed(0)}% / ${formatNumber(r.meanRank, 4)} (N = ${depthLabel(r.depth)})`).join(' → ');
  const why = [
    converged ? '' : `fewer than ${100 * MIN_CONVERGED}% of some depth's runs converged; `,
    monotone ? '' : 'not monotone in depth; ',
    gained ? '' : `N = ${depthLabel(last.depth)} is not closer to rank 1 than N = ${depthLabel(first.depth)}; `,
  ].join('');
  const summary = pass
    ? `PASS: on the hyperbola / mean effective rank by depth: ${trend}`
    : `FAIL: ${why}on the hyperbola / mean effective rank by depth: ${trend}`;
  return { claim, measured, pass, summary };
}

function depthRow(depth: FlowDepth, runs: ExperimentRun[]): DepthRow {
  const converged = runs.filter((run) => run.finalLoss < CONVERGED_LOSS);
  const gaps = converged.map((run) => run.metrics.hyperbolaGap!).sort((a, b) => a - b);
  const ranks = converged.map((run) => run.metrics.effectiveRank!);
  const histogram = RANK_BINS.map((edge, i) => ranks.filter((r) => r < edge && (i === 0 || r >= RANK_BINS[i - 1]!)).length);
  return {
    depth,
    runs: runs.length,
    converged,
    onHyperbola: gaps.filter((g) => g < HYPERBOLA_TOLERANCE).length / converged.length,
    products: converged.map((run) => run.metrics.w12! * run.metrics.w21!).sort((a, b) => a - b),
    medianGap: quantile(gaps, 0.5),
    meanRank: ranks.reduce((sum, r) => sum + r, 0) / converged.length,
    histogram,
  };
}

const depthOrder = (depth: FlowDepth) => (depth === 'infinity' ? Infinity : depth);
const depthLabel = (depth: FlowDepth) => (depth === 'infinity' ? '∞' : String(depth));
