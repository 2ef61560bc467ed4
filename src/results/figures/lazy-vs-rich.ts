/**
 * lazy-vs-rich: the saddles each run visited against its initialisation scale, every run and the
 * median per scale; and, with record.linearized, the median lazyDeviation per scale against the
 * preset's lazy threshold.
 */
import { median } from '../../analysis/statistics.js';
import type { ExperimentResult, ExperimentRun } from '../../experiment/types.js';
import { LAZY_MAX } from '../../presets/lazy-vs-rich.js';
import type { PlotSpec } from '../svg-plot.js';
import { runColour } from '../../display/palette.js';
import { groupBy, type RunGroup } from './groups.js';

const scaleOf = (run: ExperimentRun) => run.config.init.scale ?? run.config.init.std ?? run.config.init.gain ?? NaN;
const saddlesOf = (run: ExperimentRun) => run.plateaus.filter((p) => !p.initial && !p.final).length;

export function lazyVsRichFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter((run) => !run.diverged && scaleOf(run) > 0);
  if (runs.length === 0) return [];
  const groups = groupBy(runs, scaleOf, String);
  return [
    {
      id: 'figure-lazy-vs-rich',
      title: 'Saddles against init scale',
      xLabel: 'initialisation scale',
      yLabel: 'intermediate plateaus (saddles)',
      x: 'log',
      y: 'linear',
      series: [
        {
          label: 'every run',
          colour: runColour(1),
          style: 'points',
          points: runs.map((run) => [scaleOf(run), saddlesOf(run)] as const),
        },
        {
          label: 'median per scale',
          colour: runColour(0),
          style: 'line+points',
          points: groups.map((g) => [g.key, median(g.runs.map(saddlesOf))] as const),
        },
      ],
      legend: [
        { label: 'median per scale', colour: runColour(0) },
        { label: 'every run', colour: runColour(1) },
      ],
      note: 'small scales: one saddle per mode (rich); large scales: none (lazy)',
      width: 560,
      height: 340,
    },
    ...lazyDeviationFigure(groups),
  ];
}

function lazyDeviationFigure(groups: RunGroup<number>[]): PlotSpec[] {
  const points = groups
    .map((g) => [g.key, median(g.runs.map((run) => run.lazyDeviation ?? NaN))] as const)
    .filter(([, deviation]) => deviation > 0);
  if (points.length === 0) return [];
  return [
    {
      id: 'figure-lazy-deviation',
      title: 'Distance to the linearised model against init scale',
      xLabel: 'initialisation scale',
      yLabel: 'median lazyDeviation',
      x: 'log',
      y: 'log',
      series: [{ label: 'median per scale', colour: runColour(0), style: 'line+points', points }],
      guides: [{ value: LAZY_MAX, label: `lazy ≤ ${LAZY_MAX}` }],
      note: 'lazyDeviation = max_t ‖A − A_lin‖_F/‖A(0) − Y‖_F against the frozen-NTK model',
      width: 560,
      height: 300,
    },
  ];
}
