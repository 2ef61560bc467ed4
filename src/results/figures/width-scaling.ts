/**
 * width-scaling: the median lazyDeviation against the hidden width, one line per γ (log–log). The
 * γ < 1 lines fall with w (lazy: closer to the frozen-NTK model the wider the network); γ > 1
 * lines stay high (the saddle-to-saddle side). The verdict fits the slopes drawn here.
 */
import { median } from '../../analysis/statistics.js';
import type { ExperimentResult, ExperimentRun } from '../../experiment/types.js';
import type { PlotSpec } from '../svg-plot.js';
import { groupBy } from './groups.js';

const widthOf = (run: ExperimentRun) => run.config.widths[1]!;

export function widthScalingFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter(
    (run) =>
      !run.diverged && run.lazyDeviation !== null && run.lazyDeviation > 0 && run.config.init.gamma !== undefined,
  );
  if (runs.length === 0) return [];
  const gammas = groupBy(
    runs,
    (run) => run.config.init.gamma!,
    (gamma) => `γ = ${gamma}`,
  );
  return [
    {
      id: 'figure-width-scaling',
      title: 'Distance to the linearised model against width',
      xLabel: 'hidden width w',
      yLabel: 'median lazyDeviation',
      x: 'log',
      y: 'log',
      series: gammas.map((g) => ({
        label: g.label,
        colour: g.colour,
        style: 'line+points' as const,
        points: groupBy(g.runs, widthOf, String).map(
          (w) => [w.key, median(w.runs.map((run) => run.lazyDeviation!))] as const,
        ),
      })),
      legend: gammas.map((g) => ({ label: g.label, colour: g.colour })),
      note: 'lazyDeviation = max_t ‖A − A_lin‖_F/‖A(0) − Y‖_F; γ < 1 falls with w (lazy), γ > 1 does not (saddle-to-saddle)',
      width: 560,
      height: 360,
    },
  ];
}
