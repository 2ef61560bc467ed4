/**
 * Live charts over time (uPlot): loss and singular values on log–log axes, numerical rank on a
 * linear axis over log time; the loss plot marks the plateaus detected so far (plateau-marks.ts). Time is t = η·step when every network has the same learning rate
 * (the closed forms of SPEC §10 are in t), else the step. Step 0 has no place on a log axis; the
 * first point is the first record after it.
 */
import uPlot from 'uplot';
import { axis, fitToContainer, referenceLines, type ReferenceLine } from './plot-style.js';
import { runColour, singularColour, withAlpha } from './palette.js';
import type { History, RunHistory } from './history.js';
import { type PlateauMark, livePlateaus, plateauMarks } from './plateau-marks.js';

export type TimePlotKind = 'loss' | 'singular' | 'rank';

export interface TimeAxis {
  label: string;
  /** x = perStep · step. */
  perStep: number;
}

export function timeAxis(history: History): TimeAxis {
  const rates = new Set(history.runs.map((r) => r.run.config.train.lr));
  if (rates.size === 1) {
    const [lr] = rates;
    return { label: 'time t = η·step', perStep: lr! };
  }
  return { label: 'step (learning rates differ)', perStep: 1 };
}

/** Largest number of end-to-end singular values drawn per network. */
const MAX_DRAWN_SINGULAR = 8;
/** Networks whose detected plateaus the loss plot marks: more bars would hide the lines. */
const MAX_MARKED_RUNS = 8;

const positive = (v: number) => (Number.isFinite(v) && v > 0 ? v : null);

export class TimePlot {
  readonly plot: uPlot;
  private readonly observer: ResizeObserver;
  private readonly time: TimeAxis;
  private drawnVersion = -1;
  private readonly series: { history: RunHistory; value: (index: number) => number | null }[] = [];
  private marks: PlateauMark[] = [];

  constructor(
    container: HTMLElement,
    private readonly history: History,
    readonly kind: TimePlotKind,
    references: ReferenceLine[] = [],
  ) {
    this.time = timeAxis(history);
    const several = history.runs.length > 1;
    const seriesOptions: uPlot.Series[] = [{}];
    for (const [i, run] of history.runs.entries()) {
      if (kind === 'loss') {
        this.series.push({ history: run, value: (k) => positive(run.losses[k]!) });
        seriesOptions.push({ label: `run ${run.run.id}`, stroke: runColour(i), width: 1.6, spanGaps: true, points: { show: false } });
      } else if (kind === 'rank') {
        this.series.push({ history: run, value: (k) => run.ranks[k] ?? null });
        seriesOptions.push({ label: `run ${run.run.id}`, stroke: runColour(i), width: 1.6, spanGaps: true, points: { show: false }, paths: uPlot.paths.stepped!({ align: 1 }) });
      } else {
        const rank = Math.min(MAX_DRAWN_SINGULAR, rankOf(run));
        for (let j = 0; j < rank; j++) {
          this.series.push({ history: run, value: (k) => positive(run.singularValues[k]?.[j] ?? NaN) });
          seriesOptions.push({ label: `run ${run.run.id} σ${j + 1}`, stroke: withAlpha(singularColour(j), several ? 0.75 : 1), width: 1.4, spanGaps: true, points: { show: false } });
        }
      }
    }
    const yLabel = { loss: 'loss C(W)', singular: 'singular values σᵢ(W)', rank: 'numerical rank' }[kind];
    const options: uPlot.Options = {
      width: Math.max(120, container.clientWidth),
      height: Math.max(100, container.clientHeight),
      legend: { show: false },
      cursor: { drag: { x: true, y: true, uni: 20 }, points: { size: 5 } },
      scales: {
        x: { time: false, distr: 3, log: 10 },
        y: kind === 'rank' ? { range: (_u, _min, max) => [0, Math.max(1, max) + 0.5] } : { distr: 3, log: 10 },
      },
      axes: [axis(this.time.label, true, 'x'), axis(yLabel, kind !== 'rank', 'y')],
      series: seriesOptions,
      plugins: [referenceLines(() => references), ...(kind === 'loss' ? [plateauMarks(() => this.marks, this.time.perStep)] : [])],
    };
    this.plot = new uPlot(options, [[], ...this.series.map(() => [])], container);
    this.observer = fitToContainer(this.plot, container);
  }

  /** Plateaus marked on a loss plot at the last refresh (0 for the other kinds). */
  get markedPlateaus(): number {
    return this.marks.length;
  }

  /** Redraws when the history changed since the last call. */
  refresh(): void {
    if (this.drawnVersion === this.history.version) return;
    this.drawnVersion = this.history.version;
    const steps = this.history.steps.filter((s) => s > 0);
    const x = steps.map((s) => s * this.time.perStep);
    const ys = this.series.map(({ history, value }) => history.alignedTo(steps, value));
    if (this.kind === 'loss') {
      this.marks = this.history.runs.slice(0, MAX_MARKED_RUNS).flatMap((run, i) => livePlateaus(run).map((plateau) => ({ plateau, colour: runColour(i) })));
    }
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
  }
}

function rankOf(run: RunHistory): number {
  const { widths } = run.run.config;
  return Math.min(widths[0]!, widths[widths.length - 1]!);
}
