/**
 * completion-vs-observations (Arora, Cohen, Hu & Luo 2019, Fig. 2): the held-out error against the
 * number of observed entries, the median per depth and the minimum-nuclear-norm solution of the
 * same masks (solved on the host by the verdict's grouping, so figure and verdict agree).
 */
import { median } from '../../analysis/statistics.js';
import type { ExperimentResult } from '../../experiment/types.js';
import { errorsAt, groupByObserved } from '../../presets/completion-vs-observations.js';
import type { PlotSpec } from '../svg-plot.js';
import { runColour } from '../../display/palette.js';

export function completionVsObservationsFigures(result: ExperimentResult): PlotSpec[] {
  const groups = groupByObserved(result);
  const depths = [...new Set(groups.flatMap((g) => g.masks.flatMap((mask) => [...mask.byDepth.keys()])))].sort((a, b) => a - b);
  if (depths.length === 0) return [];
  const nuclear = { label: 'minimum nuclear norm', colour: runColour(depths.length) };
  return [
    {
      id: 'figure-completion-vs-observations',
      title: 'Held-out error against the number of observed entries',
      xLabel: 'observed entries |Ω|',
      yLabel: 'testError on the unobserved entries',
      x: 'linear',
      y: 'log',
      series: [
        ...depths.map((depth, i) => ({
          label: `depth ${depth}`,
          colour: runColour(i),
          style: 'line+points' as const,
          points: groups.filter((g) => errorsAt(g, depth).length > 0).map((g) => [g.count, median(errorsAt(g, depth))] as const),
        })),
        { ...nuclear, style: 'line+points' as const, points: groups.map((g) => [g.count, median(g.masks.map((mask) => mask.nuclear))] as const) },
      ],
      legend: [...depths.map((depth, i) => ({ label: `depth ${depth} (median)`, colour: runColour(i) })), nuclear],
      note: 'median over masks × init seeds per point; the nuclear-norm line is the median over the masks',
      width: 560,
      height: 360,
    },
  ];
}
