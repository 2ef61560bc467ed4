/**
 * The view across a sweep: the latest loss or numerical rank against the value of one swept
 * parameter. Networks that differ only in that parameter and in init.seed form one line (a second
 * swept parameter gives several lines); with replicate seeds a line is their median, with the
 * 10–90% band around it. Numeric values spanning a decade or more get a log axis; non-numeric
 * ones (e.g. init kinds) sit at equal spacing.
 */
import uPlot from 'uplot';
import { axis, fitToContainer } from './plot-style.js';
import { formatOverrides } from '../display/format.js';
import { runColour, withAlpha } from '../display/palette.js';
import { quantile } from '../analysis/statistics.js';
import { BAND } from './ensemble.js';
import type { History, RunHistory } from './history.js';

export type SweepMetric = 'loss' | 'rank';

/** The config's swept parameters that take more than one value (replicate seeds are not a sweep). */
export function sweptPaths(history: History): string[] {
  return Object.entries(history.info.config.sweep ?? {})
    .filter(([, values]) => new Set(values.map((v) => JSON.stringify(v))).size > 1)
    .map(([path]) => path);
}

export class SweepPlot {
  readonly plot: uPlot;
  private readonly observer: ResizeObserver;
  private readonly xs: unknown[];
  private readonly lines: RunHistory[][];
  private drawnVersion = -1;

  constructor(
    container: HTMLElement,
    private readonly history: History,
    readonly path: string,
    readonly metric: SweepMetric,
  ) {
    const raw = [...new Set(history.runs.map((r) => JSON.stringify(r.run.overrides[path])))].map(
      (text) => JSON.parse(text) as unknown,
    );
    const numeric = raw.every((v) => typeof v === 'number');
    this.xs = numeric ? (raw as number[]).sort((a, b) => a - b) : raw;
    const positive = numeric && (this.xs as number[]).every((v) => v > 0);
    const logX = positive && Math.max(...(this.xs as number[])) / Math.min(...(this.xs as number[])) >= 10;
    const groups = new Map<string, RunHistory[]>();
    for (const run of history.runs) {
      const { [path]: _swept, 'init.seed': _seed, ...rest } = run.run.overrides;
      const key = formatOverrides(rest);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(run);
    }
    this.lines = [...groups.values()];
    const xAxis = axis(path, logX, 'x');
    if (!numeric)
      xAxis.values = (_u, splits) =>
        splits.map((i) => (Number.isInteger(i) && this.xs[i] !== undefined ? String(this.xs[i]) : ''));
    const options: uPlot.Options = {
      width: Math.max(120, container.clientWidth),
      height: Math.max(100, container.clientHeight),
      legend: { show: false },
      scales: {
        x: numeric
          ? logX
            ? { time: false, distr: 3, log: 10 }
            : { time: false }
          : { time: false, range: [-0.5, this.xs.length - 0.5] },
        y: metric === 'loss' ? { distr: 3, log: 10 } : { range: (_u, _min, max) => [0, Math.max(1, max) + 0.5] },
      },
      axes: [xAxis, axis(metric === 'loss' ? 'latest loss' : 'latest numerical rank', metric === 'loss', 'y')],
      series: [
        {},
        ...this.lines.flatMap((_, i) => [
          {
            label: `line ${i} ${BAND[0] * 100}%`,
            stroke: 'transparent',
            width: 0,
            spanGaps: true,
            points: { show: false },
          },
          {
            label: `line ${i}`,
            stroke: runColour(i),
            width: 1.4,
            spanGaps: true,
            points: { show: true, size: 7, fill: runColour(i) },
          },
          {
            label: `line ${i} ${BAND[1] * 100}%`,
            stroke: 'transparent',
            width: 0,
            spanGaps: true,
            points: { show: false },
          },
        ]),
      ],
      bands: this.lines.map((_, i) => ({
        series: [3 * i + 3, 3 * i + 1] as [number, number],
        fill: withAlpha(runColour(i), 0.18),
      })),
    };
    this.plot = new uPlot(options, [[], ...this.lines.flatMap(() => [[], [], []])], container);
    this.observer = fitToContainer(this.plot, container);
  }

  refresh(): void {
    if (this.drawnVersion === this.history.version) return;
    this.drawnVersion = this.history.version;
    // A categorical axis (any value not a number, e.g. flowDepth 'infinity' among numbers) places every value at its index.
    const numeric = this.xs.every((v) => typeof v === 'number');
    const x = this.xs.map((v, i) => (numeric ? (v as number) : i));
    const ys = this.lines.flatMap((line) => {
      const columns: (number | null)[][] = [[], [], []];
      for (const value of this.xs) {
        const key = JSON.stringify(value);
        const values = line
          .filter((r) => r.last >= 0 && JSON.stringify(r.run.overrides[this.path]) === key)
          .map((run) => (this.metric === 'loss' ? run.losses[run.last]! : (run.ranks[run.ranks.length - 1] ?? NaN)))
          .filter((v) => Number.isFinite(v) && (this.metric === 'rank' || v > 0))
          .sort((a, b) => a - b);
        [BAND[0], 0.5, BAND[1]].forEach((q, c) => columns[c]!.push(values.length > 0 ? quantile(values, q) : null));
      }
      return columns;
    });
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
  }

  /** Medians drawn at the last refresh (a point per line and swept value that has a value). */
  get drawnPoints(): number {
    const medians = this.plot.data.slice(1).filter((_, i) => i % 3 === 1) as (number | null | undefined)[][];
    return medians.reduce((n, column) => n + column.filter((v) => v !== null && v !== undefined).length, 0);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
  }
}
