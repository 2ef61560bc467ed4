/** completion-depth: the error on the unobserved entries against depth, every run and the median per depth. */
import { median } from '../../analysis/statistics.js';
import type { ExperimentResult } from '../../experiment/types.js';
import type { PlotSpec } from '../svg-plot.js';
import { runColour } from '../../display/palette.js';
import { depthOf, groupBy } from './groups.js';

export function completionDepthFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter((run) => !run.diverged && Number.isFinite(run.metrics.unobservedError));
  if (runs.length === 0) return [];
  const groups = groupBy(runs, depthOf, (depth) => `depth ${depth}`);
  return [
    {
      id: 'figure-completion-depth',
      title: 'Unobserved error against depth',
      xLabel: 'depth N',
      yLabel: 'relative error on unobserved entries',
      x: 'linear',
      y: 'log',
      series: [
        {
          label: 'every run',
          colour: runColour(1),
          style: 'points',
          points: runs.map((run) => [depthOf(run), run.metrics.unobservedError!] as const),
        },
        {
          label: 'median per depth',
          colour: runColour(0),
          style: 'line+points',
          points: groups.map((g) => [g.key, median(g.runs.map((run) => run.metrics.unobservedError!))] as const),
        },
      ],
      legend: [
        { label: 'median per depth', colour: runColour(0) },
        { label: 'every run', colour: runColour(1) },
      ],
      width: 560,
      height: 340,
    },
  ];
}
