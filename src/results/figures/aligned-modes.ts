/**
 * aligned-modes: each mode's measured half-time (the first record with σ_i ≥ s_i/2) against the
 * closed form of SPEC §10 at its depth; on the diagonal when descent follows the flow.
 */
import { alignedModeTimeTo } from '../../analysis/index.js';
import type { ExperimentResult } from '../../experiment/types.js';
import type { PlotSpec } from '../svg-plot.js';
import { depthOf, groupBy } from './groups.js';

export function alignedModesFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter(
    (run) =>
      !run.diverged &&
      run.config.init.scale !== undefined &&
      'singularValues' in run.config.task.target &&
      run.halfTimes.length > 0,
  );
  if (runs.length === 0) return [];
  const groups = groupBy(runs, depthOf, (depth) => `depth ${depth}`);
  const pairs = (group: (typeof groups)[number]) =>
    group.runs.flatMap((run) => {
      const s = [...(run.config.task.target as { singularValues: number[] }).singularValues].sort((a, b) => b - a);
      const sigma0 = run.config.init.scale!;
      return run.halfTimes.flatMap((t, i) =>
        t !== null && s[i]! > sigma0 ? [[alignedModeTimeTo(group.key, s[i]!, sigma0, s[i]! / 2), t] as const] : [],
      );
    });
  const all = groups.flatMap(pairs).flat();
  const range = [Math.min(...all), Math.max(...all)];
  return [
    {
      id: 'figure-aligned-modes',
      title: 'Half-times: measured vs closed form',
      xLabel: 'closed-form half-time',
      yLabel: 'measured half-time',
      x: 'log',
      y: 'log',
      series: [
        { label: 'measured = closed form', colour: '#8b95a7', points: range.map((v) => [v, v] as const) },
        ...groups.map((g) => ({ label: g.label, colour: g.colour, style: 'points' as const, points: pairs(g) })),
      ],
      legend: groups.map((g) => ({ label: g.label, colour: g.colour })),
      note: 'one point per mode and run; the line is equality',
      width: 520,
      height: 400,
    },
  ];
}
