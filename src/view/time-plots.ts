/**
 * Live charts over time (uPlot): loss and singular values on log–log axes, numerical rank on a
 * linear axis over log time; the loss plot marks the plateaus detected so far (plateau-marks.ts).
 * Above ENSEMBLE_THRESHOLD networks each plot draws, per sweep point, the median and the 10–90%
 * band over time, with a few networks faintly (ensemble.ts). Time is t = η·step when every network has the same learning rate
 * (the closed forms of SPEC §10 are in t), else the step. Step 0 has no place on a log axis; the
 * first point is the first record after it.
 */
import uPlot from 'uplot';
import { axis, fitToContainer, referenceLines, type ReferenceLine } from './plot-style.js';
import { runColour, singularColour, withAlpha } from '../display/palette.js';
import type { History, RunHistory } from './history.js';
import { type PlateauMark, livePlateaus, plateauMarks } from './plateau-marks.js';
import {
  BAND,
  QuantileTrack,
  type RecordValue,
  type SweepPointGroup,
  isEnsemble,
  sweepPointGroups,
} from './ensemble.js';

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

/** A function of the plot's steps giving one or more data columns (a line, or a band's lo, median, hi). */
type Source = (steps: readonly number[]) => (number | null)[][];

/** Networks drawn faintly in an ensemble plot, per sweep point and in all. */
const SAMPLES_PER_POINT = 2;
const MAX_SAMPLES = 12;
/** Singular values drawn per sweep point in an ensemble plot (each a median and a band). */
const ENSEMBLE_SINGULAR = 4;

export class TimePlot {
  readonly plot: uPlot;
  private readonly observer: ResizeObserver;
  private readonly time: TimeAxis;
  private drawnVersion = -1;
  private readonly sources: Source[] = [];
  private marks: PlateauMark[] = [];
  /** The sweep points drawn as bands (empty when every network has its own line). */
  readonly groups: SweepPointGroup[];

  constructor(
    container: HTMLElement,
    private readonly history: History,
    readonly kind: TimePlotKind,
    references: ReferenceLine[] = [],
  ) {
    this.time = timeAxis(history);
    this.groups = isEnsemble(history) ? sweepPointGroups(history) : [];
    const series: uPlot.Series[] = [{}];
    const bands: uPlot.Band[] = [];
    const line = (label: string, stroke: string, width: number): uPlot.Series => ({
      label,
      stroke,
      width,
      spanGaps: true,
      points: { show: false },
      ...(kind === 'rank' ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
    });
    const quantities = (run: RunHistory) =>
      plotQuantities(kind, Math.min(this.groups.length > 0 ? ENSEMBLE_SINGULAR : MAX_DRAWN_SINGULAR, rankOf(run)));
    if (this.groups.length === 0) {
      const several = history.runs.length > 1;
      for (const [i, run] of history.runs.entries()) {
        for (const q of quantities(run)) {
          this.sources.push((steps) => [run.alignedTo(steps, (k) => q.value(run, k))]);
          series.push(
            line(
              `run ${run.run.id}${q.name}`,
              q.colour ? withAlpha(q.colour, several ? 0.75 : 1) : runColour(i),
              q.colour ? 1.4 : 1.6,
            ),
          );
        }
      }
    } else {
      // Faint sample networks first, so the bands and medians draw over them.
      const samples = this.groups
        .flatMap((g) => g.runs.slice(0, SAMPLES_PER_POINT).map((run) => ({ run, colour: g.colour })))
        .slice(0, MAX_SAMPLES);
      for (const { run, colour } of samples) {
        for (const q of quantities(run)) {
          this.sources.push((steps) => [run.alignedTo(steps, (k) => q.value(run, k))]);
          series.push(line(`run ${run.run.id}${q.name}`, withAlpha(colour, 0.25), 1));
        }
      }
      for (const group of this.groups) {
        const first = group.runs[0]!;
        quantities(first).forEach((q) => {
          const track = new QuantileTrack(group.runs, q.value);
          this.sources.push((steps) => {
            const { lo, median, hi } = track.at(steps);
            return [lo, median, hi];
          });
          const lo = series.length;
          series.push({ ...line(`${group.label}${q.name} ${BAND[0] * 100}%`, 'transparent', 0) });
          series.push(line(`${group.label}${q.name} median`, group.colour, 2));
          series.push({ ...line(`${group.label}${q.name} ${BAND[1] * 100}%`, 'transparent', 0) });
          bands.push({ series: [lo + 2, lo], fill: withAlpha(group.colour, 0.18) });
        });
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
      series,
      bands,
      plugins: [
        referenceLines(() => references),
        ...(kind === 'loss' ? [plateauMarks(() => this.marks, this.time.perStep)] : []),
      ],
    };
    this.plot = new uPlot(options, [[], ...series.slice(1).map(() => [])], container);
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
    const ys = this.sources.flatMap((source) => source(steps));
    if (this.kind === 'loss' && this.groups.length === 0) {
      this.marks = this.history.runs
        .slice(0, MAX_MARKED_RUNS)
        .flatMap((run, i) => livePlateaus(run).map((plateau) => ({ plateau, colour: runColour(i) })));
    }
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
  }
}

interface Quantity {
  /** Appended to a series label: '' or ' σj'. */
  name: string;
  value: RecordValue;
  /** The σ_j colour for singular values; '' where the network's or the sweep point's colour is used. */
  colour: string;
}

/** What a plot of `kind` draws per network: its loss, its rank, or its first `singular` σ_j. */
function plotQuantities(kind: TimePlotKind, singular: number): Quantity[] {
  if (kind === 'loss') return [{ name: '', value: (run, k) => positive(run.losses[k]!), colour: '' }];
  if (kind === 'rank') return [{ name: '', value: (run, k) => run.ranks[k] ?? null, colour: '' }];
  return Array.from({ length: singular }, (_, j) => ({
    name: ` σ${j + 1}`,
    value: (run: RunHistory, k: number) => positive(run.singularValues[k]?.[j] ?? NaN),
    colour: singularColour(j),
  }));
}

function rankOf(run: RunHistory): number {
  const { widths } = run.run.config;
  return Math.min(widths[0]!, widths[widths.length - 1]!);
}
