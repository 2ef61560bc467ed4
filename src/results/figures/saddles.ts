/**
 * saddle-to-saddle: the loss of a few runs with their detected plateaus and the predicted saddle
 * levels ½ Σ_{i>k} s_i², and the mode half-times t_i against s_i (at depth ≥ 3 from a small start
 * t_i ∝ 1/s_i: a line of slope −1 on log–log axes).
 */
import { median } from '../../analysis/statistics.js';
import type { ExperimentResult } from '../../experiment/types.js';
import type { PlotSpec } from '../svg-plot.js';
import { formatNumber } from '../../display/format.js';
import { runColour } from '../../display/palette.js';

const SHOWN_RUNS = 4;

export function saddleFigures(result: ExperimentResult): PlotSpec[] {
  const runs = result.runs.filter((run) => !run.diverged);
  const shown = runs.slice(0, SHOWN_RUNS);
  const levels = [
    ...new Set(
      shown.flatMap((run) => run.plateaus.map((p) => p.predicted).filter((v): v is number => v !== null && v > 0)),
    ),
  ];
  const loss: PlotSpec = {
    id: 'figure-saddles',
    title: 'Loss, detected plateaus and saddle levels',
    xLabel: 'time t = lr · step',
    yLabel: 'loss',
    x: 'log',
    y: 'log',
    series: shown.map((run, i) => ({
      label: `run ${run.id}`,
      colour: runColour(i),
      points: run.trace.times.map((t, k) => [t, run.trace.losses[k]!] as const),
    })),
    guides: levels
      .sort((a, b) => b - a)
      .map((level) => ({ value: level, label: `predicted ${formatNumber(level, 3)}` })),
    spans: shown.flatMap((run, i) =>
      run.plateaus.map((p) => ({
        x0: p.startTime,
        x1: p.endTime,
        y: p.loss,
        colour: runColour(i),
        label: `run ${run.id}: k = ${p.rank ?? '?'}, loss ${formatNumber(p.loss, 4)}`,
      })),
    ),
    legend: shown.map((run, i) => ({ label: `run ${run.id}`, colour: runColour(i) })),
    note: 'bars: detected plateaus (k = modes learned); dashed: predicted saddle levels',
    width: 560,
    height: 340,
  };
  const target = targetValues(runs[0]);
  const points = runs.flatMap((run) =>
    run.halfTimes.flatMap((t, i) => (t !== null && target[i] !== undefined ? [[target[i]!, t] as const] : [])),
  );
  const products = runs.flatMap((run) =>
    run.halfTimes.flatMap((t, i) => (t !== null && target[i] ? [t * target[i]!] : [])),
  );
  const c = median(products);
  const span = target.length > 0 ? [Math.min(...target), Math.max(...target)] : [];
  const halfTimes: PlotSpec = {
    id: 'figure-half-times',
    title: 'Mode half-times t_i against s_i',
    xLabel: 'target singular value s_i',
    yLabel: 'half-time t_i (σ_i ≥ s_i / 2)',
    x: 'log',
    y: 'log',
    series: [
      { label: 'half-times of every run', colour: runColour(0), points, style: 'points' },
      ...(Number.isFinite(c) && span.length
        ? [
            {
              label: `t = ${formatNumber(c, 3)} / s (median t_i·s_i)`,
              colour: '#c8d0dc',
              points: span.map((s) => [s, c / s] as const),
            },
          ]
        : []),
    ],
    note: `${runs.length} runs; line: t_i = median(t_i·s_i) / s_i`,
    width: 520,
    height: 340,
  };
  return [loss, halfTimes];
}

function targetValues(run: ExperimentResult['runs'][number] | undefined): number[] {
  const target = run?.config.task.target;
  return target && 'singularValues' in target ? [...target.singularValues].sort((a, b) => b - a) : [];
}
