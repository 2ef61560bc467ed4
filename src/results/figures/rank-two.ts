/**
 * rank-two-completion (the CMV 3×3 case): each run's end in the coordinates (x, y) = (w₁₂w₂₁, w₂₃w₃₂),
 * where det W = 1 − x − y, so the rank-2 completions are the line x + y = 1 and the sign symmetry
 * W → DWD, which flips the signs of the free entries in pairs, leaves the point unchanged; one panel
 * per sign of det W(0), one colour per flow depth; and the effective-rank histogram from 1 to 3.
 */
import type { ExperimentResult } from '../../experiment/types.js';
import type { PlotSpec } from '../svg-plot.js';
import { byFlowDepth, effectiveRankHistogram } from './hyperbola.js';

export function rankTwoFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter(
    (run) => !run.diverged && ['w12', 'w21', 'w23', 'w32', 'det0'].every((key) => Number.isFinite(run.metrics[key])),
  );
  if (runs.length === 0) return [];
  const point = (m: Record<string, number>) => [m.w12! * m.w21!, m.w23! * m.w32!] as const;
  const extent = Math.max(1.2, ...runs.flatMap((run) => point(run.metrics).map(Math.abs))) * 1.05;
  const panels = [
    { sign: -1, title: 'det W(0) < 0' },
    { sign: 1, title: 'det W(0) > 0' },
  ].flatMap(({ sign, title }): PlotSpec[] => {
    const groups = byFlowDepth(runs.filter((run) => Math.sign(run.metrics.det0!) === sign));
    if (groups.length === 0) return [];
    return [
      {
        id: `figure-rank-two-det-${sign < 0 ? 'negative' : 'positive'}`,
        title: `Where the runs end: (w₁₂·w₂₁, w₂₃·w₃₂), ${title}`,
        xLabel: 'w₁₂·w₂₁',
        yLabel: 'w₂₃·w₃₂',
        x: 'linear',
        y: 'linear',
        series: [
          {
            label: 'rank 2: w₁₂w₂₁ + w₂₃w₃₂ = 1',
            colour: '#c8d0dc',
            points: [
              [1 - extent, extent],
              [extent, 1 - extent],
            ],
          },
          ...groups.map((g) => ({
            label: g.label,
            colour: g.colour,
            style: 'points' as const,
            points: g.runs.map((run) => point(run.metrics)),
          })),
        ],
        legend: groups.map((g) => ({ label: `${g.label} (${g.runs.length} runs)`, colour: g.colour })),
        note: 'the line: the rank-2 completions (det W = 1 − x − y = 0); det W > 0 below it',
        width: 520,
        height: 460,
      },
    ];
  });
  return [...panels, effectiveRankHistogram(byFlowDepth(runs), 3)];
}
