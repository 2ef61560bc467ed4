/**
 * completion-vs-observations (Arora, Cohen, Hu & Luo 2019, Fig. 2): the held-out error against the
 * number of observed entries, the median per depth with its quartiles as error bars, and the
 * minimum-nuclear-norm and greedy low-rank (GLRL) solutions of the same masks (solved on the host by
 * the verdict's grouping, so figure and verdict agree).
 */
import { median } from '../../analysis/statistics.js';
import type { ExperimentResult } from '../../experiment/types.js';
import { errorsAt, groupByObserved, quartiles } from '../../presets/completion-vs-observations.js';
import type { PlotSpec } from '../svg-plot.js';
import { runColour } from '../../display/palette.js';

/**
 * Errors below this are drawn at it: exact baselines reach 1e-15, which would squeeze the range
 * where the depths differ (1e-4 … 1) into a sliver of the log axis. The verdict's table has the values.
 */
const FLOOR = 1e-5;
const floored = (value: number) => Math.max(value, FLOOR);

export function completionVsObservationsFigures(result: ExperimentResult): PlotSpec[] {
  const groups = groupByObserved(result);
  const depths = [...new Set(groups.flatMap((g) => g.masks.flatMap((mask) => [...mask.byDepth.keys()])))].sort(
    (a, b) => a - b,
  );
  if (depths.length === 0) return [];
  const nuclear = { label: 'minimum nuclear norm', colour: runColour(depths.length) };
  const glrl = { label: 'greedy low-rank (GLRL)', colour: runColour(depths.length + 1) };
  const baseline = (of: (mask: (typeof groups)[number]['masks'][number]) => number) =>
    groups.map((g) => [g.count, floored(median(g.masks.map(of)))] as const);
  return [
    {
      id: 'figure-completion-vs-observations',
      title: 'Held-out error against the number of observed entries',
      xLabel: 'observed entries |Ω|',
      yLabel: 'testError on the unobserved entries',
      x: 'linear',
      y: 'log',
      series: [
        ...depths.map((depth, i) => {
          const trained = groups
            .filter((g) => errorsAt(g, depth).length > 0)
            .map((g) => ({ count: g.count, q: quartiles(errorsAt(g, depth)) }));
          return {
            label: `depth ${depth}`,
            colour: runColour(i),
            style: 'line+points' as const,
            points: trained.map(({ count, q }) => [count, floored(q.median)] as const),
            errorBars: trained.map(({ count, q }) => [count, floored(q.q1), floored(q.q3)] as const),
          };
        }),
        { ...nuclear, style: 'line+points' as const, points: baseline((mask) => mask.nuclear) },
        { ...glrl, style: 'line+points' as const, points: baseline((mask) => mask.glrl) },
      ],
      legend: [
        ...depths.map((depth, i) => ({ label: `depth ${depth} (median, bars Q1–Q3)`, colour: runColour(i) })),
        nuclear,
        glrl,
      ],
      note: `median over masks × init seeds per point, bars from the first to the third quartile; the baseline lines are medians over the masks; errors below ${FLOOR} are drawn at ${FLOOR} (the verdict's table has them)`,
      width: 560,
      height: 360,
    },
  ];
}
