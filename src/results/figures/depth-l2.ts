/**
 * depth-l2: every final singular value against the target's, per depth, over the closed-form
 * nonzero minimiser σ₊(s) of the penalised mode (SPEC §7) at each (depth, λ): the deeper, the
 * higher the threshold below which a mode is switched off.
 */
import { regularisedFixedPoints } from '../../analysis/index.js';
import type { ExperimentResult } from '../../experiment/types.js';
import type { PlotSeries, PlotSpec } from '../svg-plot.js';
import { depthOf, groupBy } from './groups.js';

export function depthL2Figures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter(
    (run) => !run.diverged && 'singularValues' in run.config.task.target && run.singularValues.length > 0,
  );
  if (runs.length === 0) return [];
  const groups = groupBy(
    runs,
    (run) => `${depthOf(run)}|${run.config.train.weightDecay}`,
    (key) => {
      const [depth, lambda] = key.split('|');
      return `N = ${depth}, λ = ${lambda}`;
    },
  );
  const values = (run: (typeof runs)[number]) =>
    [...(run.config.task.target as { singularValues: number[] }).singularValues].sort((a, b) => b - a);
  const top = Math.max(...runs.flatMap(values));
  const curve = (depth: number, lambda: number, colour: string, label: string): PlotSeries => ({
    label: `σ₊(s), ${label}`,
    colour,
    points: Array.from({ length: 121 }, (_, i) => {
      const s = (top * 1.05 * i) / 120;
      return [s, regularisedFixedPoints(depth, s, lambda).at(-1) ?? 0] as const;
    }),
  });
  return [
    {
      id: 'figure-depth-l2',
      title: 'Final σ_i against s_i, over σ₊(s)',
      xLabel: 'target singular value s_i',
      yLabel: 'final σ_i',
      x: 'linear',
      y: 'linear',
      series: groups.flatMap((g) => {
        const run = g.runs[0]!;
        return [
          curve(depthOf(run), run.config.train.weightDecay, g.colour, g.label),
          {
            label: g.label,
            colour: g.colour,
            style: 'points' as const,
            points: g.runs.flatMap((r) => values(r).map((s, i) => [s, r.singularValues[i] ?? 0] as const)),
          },
        ];
      }),
      legend: groups.map((g) => ({ label: g.label, colour: g.colour })),
      note: 'points: final σ_i of every run; lines: the closed-form nonzero minimiser (0 below the threshold)',
      width: 560,
      height: 400,
    },
  ];
}
