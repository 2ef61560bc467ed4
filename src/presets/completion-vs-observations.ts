/**
 * The standard experiment of Arora, Cohen, Hu & Luo 2019 ("Implicit regularization in deep matrix
 * factorization", Fig. 2): the held-out error of matrix completion against the number of observed
 * entries, at depths 2, 3 and 4, beside the minimum-nuclear-norm solution of the same instance.
 * Their finding: with few observations the deeper factorizations recover the matrix where depth 2
 * does not, and depth 2 behaves like the nuclear-norm minimiser (so the implicit bias is not a norm
 * the convex method already has). Each run's error is runs[].testError (SPEC §12, on the GPU); the
 * baselines, minimum nuclear norm and Greedy Low-Rank Learning (Li, Luo & Lyu 2021: the small-init
 * limit of depth 2), are computed here, on the host, on the same target and mask (rebuilt by
 * buildTask from the run's config). Every (mask, target) draw and fraction of one depth trains in
 * one GPU batch (src/problem/batch-tasks.ts). Depth 1 is trained and shown too (it leaves the
 * unobserved entries at their init), and GLRL is shown, neither judged: the claim is about the
 * depth of a gradient-trained factorization against depth 2 and the convex baseline.
 */
import { median, quantile } from '../analysis/statistics.js';
import { completionTestError } from '../analysis/heldout.js';
import { greedyLowRank } from '../baselines/glrl.js';
import { DEFAULT_NUCLEAR_NORM_OPTIONS, nuclearNormCompletion } from '../baselines/nuclear-norm.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { buildTask } from '../problem/task.js';
import { formatNumber } from '../display/format.js';
import { formatTable } from './table.js';
import type { Preset, Verdict } from './types.js';

/** A method "succeeds" at a fraction when its median testError there is below this (10 %). */
export const SUCCESS = 0.1;
/** The depths the verdict judges; the sweep adds depth 1, shown beside them. */
const DEPTHS = [2, 3, 4];
/** One-sided level of the per-mask sign tests (deeper lower than depth 2, than the nuclear norm). */
const LEVEL = 0.05;

export const completionVsObservations: Preset = {
  name: 'completion-vs-observations',
  description:
    'Completion error against the fraction of observed entries of rank-3 30×30 matrices (8 mask and target draws), depths 1–4 beside the minimum-nuclear-norm and greedy low-rank solutions (Arora, Cohen, Hu & Luo 2019, Fig. 2)',
  config: {
    name: 'completion-vs-observations',
    // Rank 3 at 30×30 has r(2n − r) = 171 degrees of freedom, 19 % of the entries (the information
    // limit): the fractions run from below it (0.15) to where the nuclear norm is exact (0.6).
    // s = (30, 24, 18) keeps the entries O(1). No target.seed: task.seed draws both the target's
    // frames and the mask, so the 8 task seeds are 8 (mask, target) draws.
    task: { kind: 'completion', target: { rows: 30, cols: 30, singularValues: [30, 24, 18] }, observed: 0.3, seed: 1 },
    network: { depth: 2, width: 30 },
    // The same small end-to-end start W(0) ~ 1e-3 at every depth, balanced.
    init: { kind: 'balanced', scale: 0.001, seed: 0 },
    // Measured: 4000 steps at lr 1 bring every run's observed loss to ≤ 1.3e-3 without divergence
    // (the slowest: depth 4 near the information limit); depths 3–4 still improve slowly
    // at 0.3 (their held-out error halves again by 6000 steps), which only helps them.
    train: { lr: 1, steps: 4000 },
    record: { every: 500 },
    seeds: 1,
    sweep: {
      'task.observed': [0.15, 0.25, 0.3, 0.4, 0.6],
      'task.seed': [1, 2, 3, 4, 5, 6, 7, 8],
      'network.depth': [1, ...DEPTHS],
    },
  },
  verdict: observationsVerdict,
};

/** One mask (task.seed) of one observed fraction: each depth's testErrors over the init seeds, and the nuclear norm's. */
export interface MaskGroup {
  seed: number;
  byDepth: Map<number, number[]>;
  nuclear: number;
  /** Whether ADMM reached its stated residual (src/baselines/nuclear-norm.ts) within its iterations. */
  nuclearConverged: boolean;
  /** Greedy Low-Rank Learning's testError on this mask (src/baselines/glrl.ts, its default options). */
  glrl: number;
}

/** One observed fraction and its masks. */
export interface FractionGroup {
  observed: number;
  /** |Ω| of its masks (max(1, round(observed · rows · cols)), the same for every mask). */
  count: number;
  masks: MaskGroup[];
}

/** Every run's testError at one depth, over masks and init seeds. */
export const errorsAt = (group: FractionGroup, depth: number) =>
  group.masks.flatMap((mask) => mask.byDepth.get(depth) ?? []);

/**
 * The runs grouped by observed fraction and mask, each mask solved once by minimum nuclear norm
 * on the target and mask that buildTask gives the run's config: the data the GPU trained on.
 */
export function groupByObserved(result: ExperimentResult): FractionGroup[] {
  let groups = solved.get(result);
  if (!groups) solved.set(result, (groups = solveGroups(result)));
  return groups;
}

/** The verdict and the figure of one result share its solves (ADMM on the host: up to seconds for an underdetermined mask). */
const solved = new WeakMap<ExperimentResult, FractionGroup[]>();

function solveGroups(result: ExperimentResult): FractionGroup[] {
  const tasks = new Map<string, { config: ResolvedConfig; byDepth: Map<number, number[]> }>();
  for (const run of result.runs) {
    if (run.config.task.kind !== 'completion' || run.config.task.observed === undefined) continue;
    // The task section alone fixes target and mask (src/problem/task.ts): runs that share it share both.
    const key = JSON.stringify(run.config.task);
    if (!tasks.has(key)) tasks.set(key, { config: run.config, byDepth: new Map() });
    if (!scored(run)) continue;
    const errors = tasks.get(key)!.byDepth;
    const depth = run.config.widths.length - 1;
    errors.set(depth, [...(errors.get(depth) ?? []), run.testError!]);
  }
  const groups = new Map<number, FractionGroup>();
  for (const { config, byDepth } of tasks.values()) {
    const { target, mask } = buildTask(config);
    const observed = config.task.observed!;
    if (!groups.has(observed))
      groups.set(observed, { observed, count: mask!.data.reduce((sum, m) => sum + m, 0), masks: [] });
    const solution = nuclearNormCompletion(target, mask!);
    const glrl = completionTestError(greedyLowRank(target, mask!).w, target, mask!);
    groups.get(observed)!.masks.push({
      seed: config.task.seed,
      byDepth,
      nuclear: completionTestError(solution.x, target, mask!),
      nuclearConverged: solution.converged,
      glrl,
    });
  }
  return [...groups.values()].sort((a, b) => a.observed - b.observed);
}

const scored = (run: ExperimentRun) => !run.diverged && run.testError !== null && Number.isFinite(run.testError);

/** The per-fraction error bar: quartiles across masks × init seeds. */
export const quartiles = (errors: readonly number[]) => ({
  q1: quantile(errors, 0.25),
  median: median(errors),
  q3: quantile(errors, 0.75),
});

/** On one mask, depth d against a reference error range: lower or higher when the ranges over init seeds do not overlap. */
function paired(deep: readonly number[], reference: readonly number[]): 'lower' | 'higher' | 'overlap' {
  if (deep.length === 0 || reference.length === 0) return 'overlap';
  if (Math.max(...deep) < Math.min(...reference)) return 'lower';
  return Math.min(...deep) > Math.max(...reference) ? 'higher' : 'overlap';
}

/** The fewest of n fair coin flips that must land "lower" for P(Bin(n, ½) ≥ k) < level (a one-sided sign test). */
export function signTestThreshold(n: number, level = LEVEL): number {
  let tail = 0;
  let choose = 1;
  const total = 2 ** n;
  for (let k = n; k >= 0; k--) {
    tail += choose / total;
    if (tail >= level) return k + 1;
    choose = (choose * k) / (n - k + 1);
  }
  return 0;
}

interface Row {
  g: FractionGroup;
  depthOne: ReturnType<typeof quartiles> | null;
  byDepth: Map<number, ReturnType<typeof quartiles>>;
  nuclear: number;
  glrl: number;
  /** Per mask and depth ≥ 3: lower than depth 2, lower than the nuclear norm. */
  pairs: number;
  belowShallow: number;
  belowNuclear: number;
  succeeds: boolean;
}

function rowOf(g: FractionGroup): Row {
  const depthOne = errorsAt(g, 1).length > 0 ? quartiles(errorsAt(g, 1)) : null;
  const byDepth = new Map(DEPTHS.map((depth) => [depth, quartiles(errorsAt(g, depth))]));
  const nuclear = median(g.masks.map((m) => m.nuclear));
  const deep = DEPTHS.slice(1);
  const count = (reference: (mask: MaskGroup) => number[]) =>
    g.masks.reduce(
      (sum, mask) => sum + deep.filter((d) => paired(mask.byDepth.get(d) ?? [], reference(mask)) === 'lower').length,
      0,
    );
  return {
    g,
    depthOne,
    byDepth,
    nuclear,
    glrl: median(g.masks.map((m) => m.glrl)),
    pairs: g.masks.length * deep.length,
    belowShallow: count((mask) => mask.byDepth.get(2) ?? []),
    belowNuclear: count((mask) => [mask.nuclear]),
    succeeds: [...byDepth.values()].some((q) => q.median < SUCCESS) || nuclear < SUCCESS,
  };
}

function observationsVerdict(result: ExperimentResult): Verdict {
  const claim =
    'With few observed entries, deeper matrix factorizations trained from a small init complete a low-rank matrix more accurately than depth 2 and than the ' +
    'minimum-nuclear-norm solution, where depth 2 stays near the nuclear norm: the implicit bias of depth is not a nuclear norm (Arora, Cohen, Hu & Luo 2019, Fig. 2).';
  const groups = groupByObserved(result).filter((g) => DEPTHS.every((depth) => errorsAt(g, depth).length > 0));
  if (groups.length === 0)
    return {
      claim,
      measured: [`needs completion runs with task.observed at depths ${DEPTHS.join(', ')}`],
      pass: false,
      summary: 'FAIL: nothing to compare',
    };
  const rows = groups.map(rowOf);
  // Judged: the smallest fraction where any judged method (a depth or the nuclear norm) succeeds,
  // and every larger one where depth 2 or the nuclear norm still fails — the window where depth can matter.
  const first = rows.findIndex((r) => r.succeeds);
  const judged =
    first < 0
      ? []
      : rows.filter(
          (r, i) => i === first || (i > first && (r.byDepth.get(2)!.median >= SUCCESS || r.nuclear >= SUCCESS)),
        );
  const deeper = DEPTHS.slice(1);
  const mediansBelow = (r: Row) =>
    deeper.every((d) => r.byDepth.get(d)!.median < r.byDepth.get(2)!.median && r.byDepth.get(d)!.median < r.nuclear);
  // The sign test pools the judged fractions' pairs: at the transition fraction alone, 8 draws are
  // too few for a significant count when only most of them recover (docs/cli.md gives the measured counts).
  const pooled = {
    pairs: judged.reduce((sum, r) => sum + r.pairs, 0),
    shallow: judged.reduce((sum, r) => sum + r.belowShallow, 0),
    nuclear: judged.reduce((sum, r) => sum + r.belowNuclear, 0),
  };
  const threshold = signTestThreshold(pooled.pairs);
  const bar = (q: { q1: number; median: number; q3: number }) =>
    `${formatNumber(q.median, 3)} [${formatNumber(q.q1, 2)}, ${formatNumber(q.q3, 2)}]`;
  const unconverged = groups.reduce((sum, g) => sum + g.masks.filter((m) => !m.nuclearConverged).length, 0);
  const masks = Math.max(...groups.map((g) => g.masks.length));
  const seeds = result.config.seeds ?? 1;
  const { rows: n, cols: m } = shapeOf(result);
  const measured = [
    ...formatTable(
      [
        'observed',
        '|Ω|',
        ...[1, ...DEPTHS].map((d) => `depth ${d}: median [Q1, Q3]`),
        'nuclear norm: median [min, max]',
        'GLRL: median',
        'judged',
        `depth ≥ 3 below depth 2 / nuclear, per (mask, depth)`,
      ],
      rows.map((r) => [
        formatNumber(r.g.observed, 2),
        String(r.g.count),
        r.depthOne ? bar(r.depthOne) : '—',
        ...DEPTHS.map((d) => bar(r.byDepth.get(d)!)),
        `${formatNumber(r.nuclear, 3)} [${formatNumber(Math.min(...r.g.masks.map((mask) => mask.nuclear)), 2)}, ${formatNumber(Math.max(...r.g.masks.map((mask) => mask.nuclear)), 2)}]`,
        formatNumber(r.glrl, 3),
        judged.includes(r) ? 'yes' : r.succeeds ? 'no (depth 2 and nuclear norm succeed)' : 'no (nothing succeeds)',
        `${r.belowShallow}/${r.pairs} / ${r.belowNuclear}/${r.pairs} (sign test needs ${signTestThreshold(r.pairs)})`,
      ]),
    ),
    `${masks} (mask, target) draws (task.seed) × ${seeds} init seed${seeds === 1 ? '' : 's'} per (fraction, depth); [Q1, Q3]: quartiles over them; depth 1 and GLRL shown, not judged; nuclear norm and GLRL: one solve per draw (src/baselines, on the run's target and mask), ${unconverged === 0 ? 'every one converged' : `${unconverged} of ${groups.reduce((sum, g) => sum + g.masks.length, 0)} stopped at the iteration limit before the residual ${DEFAULT_NUCLEAR_NORM_OPTIONS.tolerance.toExponential(0)}`}`,
    `information limit r(2n − r)/n²: ${informationLimit(result, n, m)}; a method succeeds at a fraction where its median testError < ${SUCCESS}`,
    `judged: the smallest fraction where a depth or the nuclear norm succeeds, and every larger one where depth 2 or the nuclear norm still fails`,
    `per (mask, depth ≥ 3): below when its error range over the init seeds lies wholly below depth 2's (or the nuclear norm's) on that mask — pairs on one draw, so the draw's own difficulty cancels; the count must pass a one-sided sign test at ${LEVEL} (the threshold shown: P(Bin(pairs, ½) ≥ it) < ${LEVEL})`,
    `over the judged fractions together: depth ≥ 3 below depth 2 on ${pooled.shallow}/${pooled.pairs} and below the nuclear norm on ${pooled.nuclear}/${pooled.pairs} (mask, depth) pairs; the sign test needs ${threshold}`,
    `passes when at every judged fraction depths 3 and 4 each have a lower median than depth 2 and than the nuclear norm, and both pooled pair counts pass the sign test`,
  ];
  const failing = judged.filter((r) => !mediansBelow(r));
  const significant = pooled.shallow >= threshold && pooled.nuclear >= threshold;
  const pass = judged.length > 0 && failing.length === 0 && significant;
  const pooledText = `pooled over the judged fractions below depth 2 on ${pooled.shallow}/${pooled.pairs} and below the nuclear norm on ${pooled.nuclear}/${pooled.pairs} pairs (sign test at ${LEVEL} needs ${threshold})`;
  const describe = (r: Row) =>
    `${formatNumber(r.g.observed, 2)} (${r.g.count} entries: depth 2 ${formatNumber(r.byDepth.get(2)!.median, 2)} → ${deeper.map((d) => formatNumber(r.byDepth.get(d)!.median, 2)).join(', ')}, nuclear ${formatNumber(r.nuclear, 2)}; below depth 2 on ${r.belowShallow}/${r.pairs}, below nuclear on ${r.belowNuclear}/${r.pairs})`;
  const summary =
    judged.length === 0
      ? `FAIL: no depth and not the nuclear norm succeeds (median testError < ${SUCCESS}) at any fraction: nothing to judge`
      : pass
        ? `PASS: at the smallest fractions where any method succeeds, depths 3 and 4 are below depth 2 and the nuclear norm: ${judged.map(describe).join('; ')}; ${pooledText}`
        : failing.length > 0
          ? `FAIL: at ${failing.map(describe).join('; ')} the medians of depths ≥ 3 are not below both depth 2 and the nuclear norm`
          : `FAIL: the medians are lower, but not significantly: ${pooledText}`;
  return { claim, measured, pass, summary };
}

/** The target shape of the sweep's runs. */
function shapeOf(result: ExperimentResult): { rows: number; cols: number } {
  const widths = result.runs[0]!.config.widths;
  return { rows: widths[widths.length - 1]!, cols: widths[0]! };
}

/** r(2n − r)/(rows·cols) for a square target of rank r (the rank: the target spectrum's length), or "—". */
function informationLimit(result: ExperimentResult, rows: number, cols: number): string {
  const target = result.runs[0]!.config.task.target;
  if (!('singularValues' in target)) return '—';
  const r = target.singularValues.filter((s) => s > 0).length;
  return formatNumber((r * (rows + cols - r)) / (rows * cols), 3);
}
