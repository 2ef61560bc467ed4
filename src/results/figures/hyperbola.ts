/**
 * infinite-depth-completion (Cohen, Menon & Veraszto 2023, Figure 4): the learned off-diagonal
 * entries (w₁₂, w₂₁) of the 2×2 completion, one colour per flow depth, over the two branches of the
 * rank-one hyperbola w₁₂·w₂₁ = 1, one panel per sign of det W(0) (the flow keeps the sign of det W,
 * so the two signs end in different places: det < 0 on the hyperbola, det > 0 inside it); and the
 * histogram of the final effective ranks per depth; and the median log-volume density (SPEC §8)
 * along the runs against time, per depth (the volume bias, src/presets/volume-bias.ts).
 */
import type { ExperimentResult, ExperimentRun } from '../../experiment/types.js';
import type { FlowDepth } from '../../config/types.js';
import type { PlotSeries, PlotSpec } from '../svg-plot.js';
import { groupBy, type RunGroup } from './groups.js';
import { medianLogVolume } from '../../presets/volume-bias.js';

const BINS = 10;
/** The scatter panels by sign of det W(0) (metric det0); runs of results older than det0 go in the last. */
const PANELS = [
  { sign: -1, id: 'figure-hyperbola-det-negative', title: 'det W(0) < 0' },
  { sign: 1, id: 'figure-hyperbola-det-positive', title: 'det W(0) > 0' },
  { sign: NaN, id: 'figure-hyperbola', title: 'det W(0) not recorded' },
];
const signOf = (run: ExperimentRun) => (run.metrics.det0 === undefined ? NaN : run.metrics.det0 < 0 ? -1 : 1);

/** Runs by flow depth, ∞ last, labelled "N = …". */
export function byFlowDepth(runs: readonly ExperimentRun[]): RunGroup<number>[] {
  const depthKey = (depth: FlowDepth) => (depth === 'infinity' ? Number.POSITIVE_INFINITY : depth);
  return groupBy(
    runs,
    (run) => depthKey(run.config.train.flowDepth),
    (k) => `N = ${k === Number.POSITIVE_INFINITY ? '∞' : k}`,
  );
}

/** The final effective ranks per group, BINS bins per unit from 1 (rank one) to `size` (all σ equal). */
export function effectiveRankHistogram(groups: RunGroup<number>[], size: number): PlotSpec {
  const bins = BINS * (size - 1);
  return {
    id: 'figure-effective-rank',
    title: 'Final effective rank per depth',
    xLabel: 'effective rank',
    yLabel: 'fraction of runs',
    x: 'linear',
    y: 'linear',
    series: groups.map((g) => {
      const counts = new Array<number>(bins).fill(0);
      for (const run of g.runs) {
        const r = run.metrics.effectiveRank ?? run.effectiveRank ?? NaN;
        if (Number.isFinite(r)) counts[Math.min(bins - 1, Math.max(0, Math.floor((r - 1) * BINS)))]!++;
      }
      return {
        label: g.label,
        colour: g.colour,
        style: 'line+points' as const,
        points: counts.map((c, i) => [1 + (i + 0.5) / BINS, c / g.runs.length] as const),
      };
    }),
    legend: groups.map((g) => ({ label: g.label, colour: g.colour })),
    note: `${bins} bins from 1 (rank one) to ${size} (${size} equal singular values)`,
    width: 520,
    height: 460,
  };
}

export function hyperbolaFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter(
    (run) =>
      !run.diverged && 'w12' in run.metrics && Number.isFinite(run.metrics.w12) && Number.isFinite(run.metrics.w21),
  );
  if (runs.length === 0) return [];
  const groups = byFlowDepth(runs);
  const extent =
    Math.max(1.5, ...runs.flatMap((run) => [Math.abs(run.metrics.w12!), Math.abs(run.metrics.w21!)])) * 1.05;
  const branch = (sign: number): PlotSeries => {
    const points: [number, number][] = [];
    for (let i = 0; i <= 200; i++) {
      // a from 1/extent to extent, log-spaced, so both arms of the branch are smooth.
      const a = sign * Math.exp(Math.log(1 / extent) + (2 * Math.log(extent) * i) / 200);
      points.push([a, 1 / a]);
    }
    return {
      label: `w₁₂·w₂₁ = 1 (${sign > 0 ? 'positive' : 'negative'} branch)`,
      colour: sign > 0 ? '#c8d0dc' : '#8b95a7',
      points,
    };
  };
  const scatters = PANELS.flatMap(({ sign, id, title }): PlotSpec[] => {
    // Object.is matches NaN with NaN.
    const panel = groups
      .map((g) => ({ ...g, runs: g.runs.filter((run) => Object.is(signOf(run), sign)) }))
      .filter((g) => g.runs.length > 0);
    if (panel.length === 0) return [];
    return [
      {
        id,
        title: `(w₁₂, w₂₁) over the hyperbola w₁₂·w₂₁ = 1, ${title}`,
        xLabel: 'w₁₂',
        yLabel: 'w₂₁',
        x: 'linear',
        y: 'linear',
        series: [
          branch(1),
          branch(-1),
          ...panel.map((g) => ({
            label: g.label,
            colour: g.colour,
            style: 'points' as const,
            points: g.runs.map((run) => [run.metrics.w12!, run.metrics.w21!] as const),
          })),
        ],
        legend: panel.map((g) => ({ label: `${g.label} (${g.runs.length} runs)`, colour: g.colour })),
        note: 'lines: the two branches of the hyperbola (rank-one completions); one colour per flow depth, the same in both panels',
        width: 520,
        height: 460,
      },
    ];
  });
  const histogram = effectiveRankHistogram(groups, 2);
  const volume: PlotSpec = {
    id: 'figure-log-volume',
    title: 'Median log-volume density along the runs, per depth',
    xLabel: 't (flow time)',
    yLabel: 'median log-volume density',
    x: 'linear',
    y: 'linear',
    series: groups.map((g) => ({
      label: g.label,
      colour: g.colour,
      style: 'line+points' as const,
      points: medianLogVolume(g.runs),
    })),
    legend: groups.map((g) => ({ label: g.label, colour: g.colour })),
    note: "SPEC §8 at each run's flow depth, from the recorded singular values; records where it is undefined (coinciding or zero σ) left out of the median",
    width: 520,
    height: 460,
  };
  return [...scatters, histogram, volume];
}
