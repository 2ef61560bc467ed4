/**
 * What `dlnsim run` and `dlnsim merge` print on stdout: a short table of the runs (one row per
 * sweep point, seeds pooled), the preset's verdict, and where the files went.
 */
import type { ExperimentResult } from '../experiment/types.js';
import { formatTable } from '../presets/table.js';
import type { Verdict } from '../presets/types.js';
import type { ResultPaths } from '../results/files.js';
import type { Quantiles } from '../results/quantiles.js';
import { type SweepPointAggregate, sweepPointAggregates } from '../results/sweep-points.js';
import { formatDuration, formatNumber, formatRate } from '../display/format.js';

/** Rows beyond this are summarised in one line. */
const MAX_ROWS = 30;

/**
 * Never one line per run: the sweep-point table (at most MAX_ROWS rows), and for a single sweep
 * point with many seeds the quantiles of its final loss and rank. `points` may be given when the
 * caller already has the aggregates (summary.json's).
 */
export function resultOverview(
  result: ExperimentResult,
  points: SweepPointAggregate[] = sweepPointAggregates(result.runs),
): string[] {
  const { timing, device } = result;
  const total = points.reduce((sum, point) => sum + point.runs, 0);
  const head = `${total} run${total === 1 ? '' : 's'} · ${formatDuration(timing.seconds)} of training · ${formatRate(timing.networkStepsPerSecond)} network-steps/s on ${device.adapter}${device.fallback ? ' (software fallback)' : ''}`;
  const rows = points.slice(0, MAX_ROWS).map((point) => [
    point.label,
    String(point.runs),
    median(point.quantiles.finalLoss),
    Object.keys(point.rankCounts)
      .map((rank) => (rank === 'none' ? '—' : rank))
      .join(', '),
    median(point.quantiles.saddles),
    String(point.diverged),
  ]);
  const lines = [
    head,
    '',
    ...formatTable(['sweep point', 'runs', 'final loss (median)', 'final rank', 'saddles (median)', 'diverged'], rows),
  ];
  if (points.length > MAX_ROWS)
    lines.push(`… and ${points.length - MAX_ROWS} more sweep points (summary.json has them all)`);
  const only = points.length === 1 ? points[0]! : undefined;
  if (only && only.runs > 1) lines.push('', ...seedSpread(only));
  return lines;
}

const median = (q: Quantiles | null | undefined) => (q ? formatNumber(q.median) : '—');

/** The spread over the seeds of one sweep point: loss quantiles and how many runs end at each rank. */
function seedSpread(point: SweepPointAggregate): string[] {
  const loss = point.quantiles.finalLoss;
  const lines = [
    loss
      ? `final loss over ${loss.count} seeds: min ${formatNumber(loss.min)} · 10% ${formatNumber(loss.q10)} · 25% ${formatNumber(loss.q25)} · median ${formatNumber(loss.median)} · 75% ${formatNumber(loss.q75)} · 90% ${formatNumber(loss.q90)} · max ${formatNumber(loss.max)}`
      : 'final loss: not finite in any run',
  ];
  const ranks = Object.entries(point.rankCounts).filter(([rank]) => rank !== 'none');
  if (ranks.length > 0) {
    lines.push(
      `final rank: ${ranks.map(([rank, count]) => `${rank} in ${count} run${count === 1 ? '' : 's'} (${formatNumber((100 * count) / point.runs, 3)}%)`).join(' · ')}`,
    );
  }
  return lines;
}

export function verdictText(preset: string, verdict: Verdict): string[] {
  return [`${preset}: ${verdict.claim}`, '', ...verdict.measured.map((line) => `  ${line}`), '', verdict.summary];
}

/** Where the files went, the run table first when it is a file of its own. */
export function resultPathsText(paths: ResultPaths): string[] {
  const files = [
    paths.summary,
    ...(paths.format === 'parquet' ? [paths.runs] : []),
    paths.trace,
    paths.report,
    ...(paths.matrices ? [`${paths.matrices}/ (run-<id>.npy per run)`] : []),
  ];
  return files.map((file, i) => `${i === 0 ? 'results: ' : '         '}${file}`);
}
