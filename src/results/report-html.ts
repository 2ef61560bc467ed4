/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no network) with the
 * experiment's verdict, loss and singular values over time on log axes, the numerical rank over
 * time, the sweep views (median and quartiles over seeds of the final rank and loss against each
 * swept parameter), a table of sweep points (quantiles over seeds) and, for up to 500 runs, of runs.
 */
import { numericalRank, saddleLevels } from '../analysis/index.js';
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatDuration, formatNumber, formatOverrides, formatRate } from '../display/format.js';
import { runColour, singularColour } from '../display/palette.js';
import { logVolumeAt } from '../experiment/volume-diagnostics.js';
import { presetFigures } from './figures/index.js';
import { type Quantiles, quantiles } from './quantiles.js';
import type { SummaryExtras } from './summary.js';
import { saddleCount, type SweepPointAggregate, sweepPointAggregates } from './sweep-points.js';
import { type GuideLine, PLOT_CSS, type PlotSeries, type PlotSpan, escapeXml, plotFigure } from './svg-plot.js';

/** Lines per time plot and panels of singular values: beyond these a plot is unreadable anyway. */
const MAX_LINES = 48;
const MAX_PANELS = 9;
/** Runs whose plateaus are drawn on the loss plot: more would hide the lines. */
const MAX_MARKED_RUNS = 8;
const MAX_TABLE_ROWS = 500;

/** What the report reads of every run; the runs it draws (drawnRunIds) it reads whole. */
export type ReportRun = Pick<ExperimentRun, 'id' | 'overrides' | 'config' | 'rank' | 'finalLoss'>;

export interface ReportExtras extends SummaryExtras {
  /**
   * Every run, when result.runs holds only the runs drawn (a streamed result, result-stream.ts):
   * the sweep plots and counts read these, the time plots result.runs. `sweepPoints` is then needed.
   */
  allRuns?: readonly ReportRun[];
}

export function reportHtml(result: ExperimentResult, extras: ReportExtras = {}): string {
  const title = extras.preset ?? result.config.name ?? 'experiment';
  const all = extras.allRuns ?? result.runs;
  const byId = new Map(result.runs.map((run) => [run.id, run]));
  const view: ReportView = { all, groups: groupRuns(all), whole: (run) => byId.get(run.id) };
  const sections = [
    verdictSection(extras),
    figureSection(extras.preset, result),
    lossSection(view),
    volumeSection(view),
    spectraSection(view),
    rankSection(view),
    sweepSection(result.config.sweep, all),
    sweepPointsSection(extras.sweepPoints ?? sweepPointAggregates(result.runs)),
    extras.allRuns ? '' : runsSection(result),
    `<section><details><summary>Config</summary><pre>${escapeXml(JSON.stringify(result.config, null, 2))}</pre></details></section>`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>dlnsim — ${escapeXml(title)}</title><style>${CSS}${PLOT_CSS}</style></head>
<body><main>
<header><h1>${escapeXml(title)}</h1><p class="meta">${escapeXml(metaLine(result, all.length))}</p>${banner(result)}</header>
${sections.filter((s) => s !== '').join('\n')}
<footer>Written by dlnsim on ${escapeXml(new Date().toISOString())}. Time t = lr · step; ranks count σᵢ > record.rankTolerance · σ₁.</footer>
</main></body></html>
`;
}

/** Runs that differ only in their init seed share a colour and a legend entry. */
interface RunGroup<R = ReportRun> {
  label: string;
  colour: string;
  runs: R[];
}

function groupRuns<R extends { overrides: Record<string, unknown> }>(runs: Iterable<R>): RunGroup<R>[] {
  const groups = new Map<string, RunGroup<R>>();
  for (const run of runs) {
    const { 'init.seed': _seed, ...point } = run.overrides;
    const label = formatOverrides(point);
    let group = groups.get(label);
    if (!group)
      groups.set(
        label,
        (group = { label: label === '—' ? 'all runs' : label, colour: runColour(groups.size), runs: [] }),
      );
    group.runs.push(run);
  }
  return [...groups.values()];
}

/** Up to `most` runs, the first seed of every group first, so every sweep point is drawn. */
function sampleRuns<R>(groups: RunGroup<R>[], most: number): { run: R; group: RunGroup<R> }[] {
  const out: { run: R; group: RunGroup<R> }[] = [];
  for (let i = 0; out.length < most; i++) {
    const before = out.length;
    for (const group of groups) if (group.runs[i] && out.length < most) out.push({ run: group.runs[i]!, group });
    if (out.length === before) break;
  }
  return out;
}

/**
 * The ids of the runs whose traces the report draws, from the runs planned (before training): a
 * run's time plots and spectrum panel are drawn from the runs sampleRuns picks, the first seed of
 * every sweep point first. A streamed result (result-stream.ts) keeps only these runs' traces.
 */
export function drawnRunIds(runs: Iterable<{ id: number; overrides: Record<string, unknown> }>): Set<number> {
  // The spectrum panels (the first run of each of the first MAX_PANELS groups) are among them.
  return new Set(sampleRuns(groupRuns(runs), MAX_LINES).map(({ run }) => run.id));
}

/** Every run, grouped by sweep point, and the whole run (trace, plateaus) of those drawn. */
interface ReportView {
  all: readonly ReportRun[];
  groups: RunGroup[];
  whole: (run: ReportRun) => ExperimentRun | undefined;
}

/** Up to `most` runs to draw, whole, the first seed of every group first. */
function drawnRuns(view: ReportView, most: number): { run: ExperimentRun; group: RunGroup }[] {
  return sampleRuns(view.groups, most).flatMap(({ run, group }) => {
    const whole = view.whole(run);
    return whole ? [{ run: whole, group }] : [];
  });
}

function metaLine(result: ExperimentResult, runs: number): string {
  const parts = [
    `${runs} run${runs === 1 ? '' : 's'}`,
    `${result.device.adapter}${result.device.fallback ? ' (software fallback)' : ''}`,
    `${formatDuration(result.timing.seconds)} of training`,
    `${formatRate(result.timing.networkStepsPerSecond)} network-steps/s`,
  ];
  if (result.shard) parts.push(`shard ${result.shard.index}/${result.shard.count}`);
  return parts.join(' · ');
}

function banner(result: ExperimentResult): string {
  if (!result.aborted) return '';
  return '<p class="banner">Interrupted: these results stop where training was cancelled; batches not started are missing.</p>';
}

function verdictSection({ verdict, preset }: SummaryExtras): string {
  if (!verdict) return '';
  const badge = verdict.pass ? '<span class="badge pass">PASS</span>' : '<span class="badge fail">FAIL</span>';
  return `<section class="card verdict"><h2>${badge} ${escapeXml(preset ?? 'verdict')}</h2>
<p>${escapeXml(verdict.claim)}</p><pre>${escapeXml(verdict.measured.join('\n'))}</pre><p><strong>${escapeXml(verdict.summary)}</strong></p></section>`;
}

/** The preset's own figures (src/results/figures), the same the demo and <dln-sim> show. */
function figureSection(preset: string | null | undefined, result: ExperimentResult): string {
  const figures = presetFigures(preset, result);
  return figures.length > 0
    ? `<section class="card"><h2>Figure</h2><div class="figures">${figures.join('')}</div></section>`
    : '';
}

const legendOf = (groups: RunGroup[]) =>
  groups.length > 1 && groups.length <= 16 ? groups.map((g) => ({ label: g.label, colour: g.colour })) : undefined;
const shownNote = (shown: number, total: number, what: string) =>
  shown < total ? `showing ${shown} of ${total} ${what}` : undefined;

function lossSection(view: ReportView): string {
  const { all, groups } = view;
  const shown = drawnRuns(view, MAX_LINES);
  const series: PlotSeries[] = shown.map(({ run, group }) => ({
    label: `run ${run.id}: ${group.label}`,
    colour: group.colour,
    points: run.trace.times.map((t, i) => [t, run.trace.losses[i]!] as const),
  }));
  const levels = commonSaddleLevels(all);
  const guides: GuideLine[] = levels
    .slice(0, -1)
    .map((level, k) => ({ value: level, label: `saddle ${k}: ${formatNumber(level, 3)}` }));
  const spans = plateauSpans(shown.slice(0, MAX_MARKED_RUNS).map(({ run, group }) => ({ run, colour: group.colour })));
  const plot = plotFigure({
    id: 'loss',
    title: 'Loss over time',
    xLabel: 'time t = lr · step',
    yLabel: 'loss',
    x: 'log',
    y: 'log',
    series,
    guides,
    spans,
    legend: legendOf(groups),
    note: [
      shownNote(shown.length, all.length, 'runs'),
      guides.length ? 'dashed: saddle levels ½ Σ_{i>k} sᵢ² (k modes learned)' : undefined,
      spans.length
        ? `bars: detected plateaus${shown.length > MAX_MARKED_RUNS ? ` of the first ${MAX_MARKED_RUNS} runs shown` : ''} (hover for rank and level)`
        : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
    width: 980,
    height: 380,
  });
  return `<section class="card"><h2>Loss</h2>${plot}</section>`;
}

/** SPEC §8's log-volume along the trajectories (square W with spectra only), next to the loss. */
function volumeSection(view: ReportView): string {
  const { all, groups } = view;
  const shown = drawnRuns(view, MAX_LINES).filter(({ run }) =>
    run.trace.singularValues.some((values) => logVolumeAt(run.config, values) !== null),
  );
  if (shown.length === 0) return '';
  const series: PlotSeries[] = shown.map(({ run, group }) => ({
    label: `run ${run.id}: ${group.label}`,
    colour: group.colour,
    points: run.trace.times.map((t, i) => [t, logVolumeAt(run.config, run.trace.singularValues[i]!) ?? NaN] as const),
  }));
  const plot = plotFigure({
    id: 'log-volume',
    title: 'Log-volume density along the trajectories',
    xLabel: 'time t = lr · step',
    yLabel: 'log-volume (SPEC §8)',
    x: 'log',
    y: 'linear',
    series,
    legend: legendOf(groups),
    note: [
      shownNote(shown.length, all.length, 'runs'),
      'at each run’s depth (train.flowDepth for the flow); gaps where σ coincide or vanish',
    ]
      .filter(Boolean)
      .join(' · '),
    width: 980,
    height: 300,
  });
  return `<section class="card"><h2>Volume</h2>${plot}</section>`;
}

/** The detected plateaus of a few runs as bars at their loss level (docs/analysis.md). */
function plateauSpans(runs: { run: ExperimentRun; colour: string }[]): PlotSpan[] {
  return runs.flatMap(({ run, colour }) =>
    run.plateaus.map((p) => ({
      x0: p.startTime,
      x1: p.endTime,
      y: p.loss,
      colour,
      label: `run ${run.id}: ${p.initial ? 'initial plateau' : p.final ? 'final plateau' : 'saddle'}, ${p.rank === null ? '' : `${p.rank} modes learned, `}loss ${formatNumber(p.loss, 4)}${
        p.predicted !== null ? ` (predicted ${formatNumber(p.predicted, 4)})` : ''
      }, t ${formatNumber(p.startTime, 3)}–${formatNumber(p.endTime, 3)}`,
    })),
  );
}

/** The factorization saddle levels (SPEC §9) when every run learns the same target, given by its singular values, without weight decay. */
function commonSaddleLevels(runs: readonly ReportRun[]): number[] {
  const values = runs.map((run) =>
    run.config.task.kind === 'factorization' &&
    run.config.train.weightDecay === 0 &&
    'singularValues' in run.config.task.target
      ? run.config.task.target.singularValues
      : null,
  );
  const first = values[0];
  if (!first || values.some((v) => !v || v.join() !== first.join())) return [];
  return saddleLevels(first);
}

function targetValues(run: ExperimentRun): number[] {
  const target = run.config.task.target;
  return 'singularValues' in target ? target.singularValues.filter((s) => s > 0) : [];
}

/** Whether any run recorded spectra: a run has a rank exactly when it has singular values. */
const anySpectra = (runs: readonly ReportRun[]) => runs.some((run) => run.rank !== null);

function spectraSection(view: ReportView): string {
  const { all, groups } = view;
  if (!anySpectra(all)) return '';
  const panels = groups.slice(0, MAX_PANELS).flatMap((group, g) => {
    const run = view.whole(group.runs[0]!);
    if (!run) return [];
    const rank = run.trace.singularValues.reduce((most, s) => Math.max(most, s.length), 0);
    // Every recorded value is drawn, as the demo draws it: the modes not learned yet sit far below
    // σ₁ (1e-7 … 1e-9 in the saddle preset), and hiding them hides the next escape building up.
    // GPU (f32) values below ~1e-6·σ₁ carry round-off (src/kernels/singular-values.ts): the note says so.
    const series: PlotSeries[] = Array.from({ length: rank }, (_, i) => ({
      label: `σ${i + 1}`,
      colour: singularColour(i),
      points: run.trace.times.map((t, r) => [t, run.trace.singularValues[r]![i] ?? NaN] as const),
    }));
    const single = groups.length === 1;
    return plotFigure({
      id: `spectrum-${g}`,
      title: groups.length > 1 ? `${group.label} (run ${run.id})` : `run ${run.id}`,
      xLabel: 'time t',
      yLabel: 'singular values of W',
      x: 'log',
      y: 'log',
      series,
      guides: targetValues(run).map((s, i) => ({ value: s, label: `s${i + 1} = ${formatNumber(s, 3)}` })),
      note: run.config.record.spectra === 'gpu' ? 'f32 GPU values below ~1e-6·σ₁ carry round-off' : undefined,
      width: single ? 980 : 480,
      height: single ? 380 : 300,
    });
  });
  const note =
    groups.length > MAX_PANELS ? `<p class="note">showing ${MAX_PANELS} of ${groups.length} sweep points</p>` : '';
  return `<section class="card"><h2>Singular values of the end-to-end matrix</h2><p class="note">First seed of each sweep point; dashed: the target's singular values.</p><div class="${panels.length === 1 ? '' : 'panels'}">${panels.join('')}</div>${note}</section>`;
}

function rankSection(view: ReportView): string {
  const { all, groups } = view;
  if (!anySpectra(all)) return '';
  const shown = drawnRuns(view, MAX_LINES);
  const series: PlotSeries[] = shown.map(({ run, group }) => ({
    label: `run ${run.id}: ${group.label}`,
    colour: group.colour,
    style: 'step',
    points: run.trace.times.map(
      (t, i) => [t, numericalRank(run.trace.singularValues[i]!, run.config.record.rankTolerance)] as const,
    ),
  }));
  const plot = plotFigure({
    id: 'rank',
    title: 'Numerical rank over time',
    xLabel: 'time t = lr · step',
    yLabel: 'rank',
    x: 'log',
    y: 'linear',
    series,
    legend: legendOf(groups),
    note: shownNote(shown.length, all.length, 'runs'),
    width: 980,
    height: 260,
  });
  return `<section class="card"><h2>Rank</h2>${plot}</section>`;
}

/** Beyond this many runs the sweep plots show the quantiles over seeds only, not a dot per run. */
const MAX_DOTS = 2000;

function sweepSection(sweep: ExperimentResult['config']['sweep'], runs: readonly ReportRun[]): string {
  const keys = Object.keys(sweep ?? {});
  if (keys.length === 0) return '';
  const hasRank = anySpectra(runs);
  const dots = runs.length <= MAX_DOTS;
  const figures = keys.flatMap((key, k) => {
    const index = new Map<string, number>();
    const values: unknown[] = [];
    for (const run of runs) {
      const text = JSON.stringify(run.overrides[key]);
      if (!index.has(text)) {
        index.set(text, values.length);
        values.push(run.overrides[key]);
      }
    }
    const numeric = values.every((v) => typeof v === 'number');
    const numbers = values as number[];
    const logX =
      numeric &&
      numbers.every((v) => v > 0) &&
      numbers.reduce((a, b) => Math.max(a, b), -Infinity) / numbers.reduce((a, b) => Math.min(a, b), Infinity) >= 20;
    const categories = numeric ? undefined : values.map((v) => JSON.stringify(v));
    const xOf = (run: ReportRun) =>
      numeric ? (run.overrides[key] as number) : index.get(JSON.stringify(run.overrides[key]))!;
    const lines = new Map<string, ReportRun[]>();
    for (const run of runs) {
      const { [key]: _swept, 'init.seed': _seed, ...rest } = run.overrides;
      const label = formatOverrides(rest);
      if (!lines.has(label)) lines.set(label, []);
      lines.get(label)!.push(run);
    }
    const plotOf = (metric: 'rank' | 'loss') => {
      const y = (run: ReportRun) => (metric === 'rank' ? (run.rank ?? NaN) : run.finalLoss);
      const series: PlotSeries[] = [...lines].flatMap(([label, runs], i) => {
        const colour = runColour(i);
        const byX = new Map<number, number[]>();
        for (const run of runs) {
          const ys = byX.get(xOf(run));
          if (ys) ys.push(y(run));
          else byX.set(xOf(run), [y(run)]);
        }
        const spread = [...byX].sort(([a], [b]) => a - b).map(([x, ys]) => [x, quantiles(ys)] as const);
        const curve = (pick: (q: Quantiles) => number) => spread.map(([x, q]) => [x, q ? pick(q) : NaN] as const);
        const name = label === '—' ? key : label;
        const several = runs.length > byX.size;
        return [
          { label: `${name} (median)`, colour, points: curve((q) => q.median), style: 'line+points' as const },
          ...(several
            ? [
                { label: `${name} (25%)`, colour, points: curve((q) => q.q25), style: 'line' as const },
                { label: `${name} (75%)`, colour, points: curve((q) => q.q75), style: 'line' as const },
              ]
            : []),
          ...(dots
            ? [
                {
                  label: name,
                  colour,
                  points: runs.map((run) => [xOf(run), y(run)] as const),
                  style: 'points' as const,
                },
              ]
            : []),
        ];
      });
      return plotFigure({
        id: `sweep-${k}-${metric}`,
        title: `Final ${metric === 'rank' ? 'numerical rank' : 'loss'} vs ${key}`,
        xLabel: key,
        yLabel: metric === 'rank' ? 'final rank' : 'final loss',
        x: logX ? 'log' : 'linear',
        y: metric === 'rank' ? 'linear' : 'log',
        series,
        xCategories: categories,
        legend:
          lines.size > 1 && lines.size <= 16
            ? [...lines.keys()].map((label, i) => ({ label, colour: runColour(i) }))
            : undefined,
        note: `${dots ? 'dots: runs; ' : ''}lines: median and quartiles over seeds`,
        width: 480,
        height: 300,
      });
    };
    return hasRank ? [plotOf('rank'), plotOf('loss')] : [plotOf('loss')];
  });
  return `<section class="card"><h2>Sweep</h2><div class="panels">${figures.join('')}</div></section>`;
}

/** One row per sweep point: the spread over its seeds of the final loss, rank and saddles. */
function sweepPointsSection(points: SweepPointAggregate[]): string {
  const head = [
    'sweep point',
    'runs',
    'diverged',
    'final loss: 10%',
    '25%',
    'median',
    '75%',
    '90%',
    'final rank (runs)',
    'eff. rank (median)',
    'saddles (median)',
  ];
  const q = (value: Quantiles | null | undefined, pick: (q: Quantiles) => number, digits = 4) =>
    value ? formatNumber(pick(value), digits) : '—';
  const rows = points.slice(0, MAX_TABLE_ROWS).map((point) => {
    const loss = point.quantiles.finalLoss;
    const cells = [
      point.label,
      String(point.runs),
      String(point.diverged),
      q(loss, (v) => v.q10),
      q(loss, (v) => v.q25),
      q(loss, (v) => v.median),
      q(loss, (v) => v.q75),
      q(loss, (v) => v.q90),
      Object.entries(point.rankCounts)
        .map(([rank, count]) => `${rank === 'none' ? '—' : rank} (${count})`)
        .join(', '),
      q(point.quantiles.effectiveRank, (v) => v.median, 3),
      q(point.quantiles.saddles, (v) => v.median, 3),
    ];
    return `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`;
  });
  const note =
    points.length > MAX_TABLE_ROWS
      ? `<p class="note">first ${MAX_TABLE_ROWS} of ${points.length} sweep points; all are in summary.json</p>`
      : '';
  return `<section class="card"><h2>Sweep points</h2><p class="note">Quantiles over the seeds of each sweep point.</p><div class="table"><table><thead><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>${note}</section>`;
}

/** One row per run, only while that is a readable table; beyond, the sweep points summarise. */
function runsSection(result: ExperimentResult): string {
  if (result.runs.length > MAX_TABLE_ROWS) return '';
  const metricKeys = [...new Set(result.runs.flatMap((run) => Object.keys(run.metrics)))];
  const head = [
    'run',
    'sweep values',
    'final step',
    'final loss',
    'rank',
    'eff. rank',
    'plateaus',
    'diverged',
    ...metricKeys,
  ];
  const rows = result.runs.map((run) => {
    const saddles = saddleCount(run);
    const cells = [
      String(run.id),
      formatOverrides(run.overrides),
      String(run.finalStep),
      formatNumber(run.finalLoss),
      run.rank === null ? '—' : String(run.rank),
      run.effectiveRank === null ? '—' : formatNumber(run.effectiveRank, 3),
      `${saddles} saddle${saddles === 1 ? '' : 's'} (${run.plateaus.length} in all)`,
      run.diverged ? `step ${run.diverged.step}: ${run.diverged.reason}` : 'no',
      ...metricKeys.map((key) => (key in run.metrics ? formatNumber(run.metrics[key]!) : '')),
    ];
    return `<tr>${cells.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`;
  });
  return `<section class="card"><h2>Runs</h2><div class="table"><table><thead><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

const CSS = `
:root{color-scheme:dark}
*{box-sizing:border-box}
body{margin:0;background:#0b0e13;color:#dfe5ee;font:14px/1.5 'Inter','Segoe UI',system-ui,-apple-system,sans-serif;font-feature-settings:'tnum' 1}
main{max-width:1040px;margin:0 auto;padding:28px 24px 48px}
h1{margin:0 0 4px;font-size:24px;font-weight:650;letter-spacing:-.01em}
h2{margin:0 0 12px;font-size:16px;font-weight:600}
.meta,.note,footer{color:#8b95a7}
.note{font-size:12.5px;margin:6px 0 0}
.banner{background:#3a2a10;border:1px solid #ffb547;color:#ffd89a;padding:8px 12px;border-radius:8px}
.card{background:#121720;border:1px solid #1e2632;border-radius:10px;padding:18px 20px;margin:18px 0}
.verdict pre{background:#0b0e13;border:1px solid #1e2632;border-radius:8px;padding:10px 12px;overflow-x:auto}
pre{font:12.5px/1.45 'JetBrains Mono','SFMono-Regular',ui-monospace,monospace;white-space:pre}
.badge{display:inline-block;padding:1px 10px;border-radius:999px;font-size:13px;font-weight:700;margin-right:6px}
.pass{background:#1d3b24;color:#7ee081;border:1px solid #7ee081}
.fail{background:#3d1c1c;color:#ff6b6b;border:1px solid #ff6b6b}
figure.plot{margin:0}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:18px}
figure.plot svg{width:100%;height:auto;display:block}
.panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12.5px;color:#c3cad6;margin-top:6px}
.legend i{display:inline-block;width:14px;height:3px;border-radius:2px;margin-right:6px;vertical-align:middle}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{padding:5px 10px;border-bottom:1px solid #1e2632;text-align:left;white-space:nowrap}
th{color:#8b95a7;font-weight:600}
details summary{cursor:pointer;color:#8b95a7}
footer{font-size:12px;margin-top:24px}
`;
