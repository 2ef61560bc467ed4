/**
 * What `dlnsim run` and `dlnsim merge` print on stdout: a short table of the runs (one row per
 * sweep point, seeds pooled), the preset's verdict, and where the files went.
 */
import type { ExperimentResult, ExperimentRun } from '../experiment/types.js';
import { formatTable } from '../presets/table.js';
import type { Verdict } from '../presets/types.js';
import { formatDuration, formatNumber, formatOverrides, formatRate } from '../view/format.js';

/** Rows beyond this are summarised in one line. */
const MAX_ROWS = 30;

export function resultOverview(result: ExperimentResult): string[] {
  const { runs, timing, device } = result;
  const head = `${runs.length} run${runs.length === 1 ? '' : 's'} · ${formatDuration(timing.seconds)} of training · ${formatRate(timing.networkStepsPerSecond)} network-steps/s on ${device.adapter}${device.fallback ? ' (software fallback)' : ''}`;
  const points = new Map<string, ExperimentRun[]>();
  for (const run of runs) {
    const { 'init.seed': _seed, ...point } = run.overrides;
    const label = formatOverrides(point);
    points.set(label, [...(points.get(label) ?? []), run]);
  }
  const rows = [...points].slice(0, MAX_ROWS).map(([label, group]) => {
    const losses = group.map((r) => r.finalLoss).sort((a, b) => a - b);
    const ranks = [...new Set(group.map((r) => (r.rank === null ? '—' : String(r.rank))))].join(', ');
    const saddles = group.map((r) => r.plateaus.filter((p) => !p.initial && !p.final).length).sort((a, b) => a - b);
    const diverged = group.filter((r) => r.diverged).length;
    return [
      label === '—' ? 'all runs' : label,
      String(group.length),
      formatNumber(losses[Math.floor((losses.length - 1) / 2)]!),
      ranks,
      String(saddles[Math.floor((saddles.length - 1) / 2)]),
      String(diverged),
    ];
  });
  const lines = [head, '', ...formatTable(['sweep point', 'runs', 'final loss (median)', 'final rank', 'saddles (median)', 'diverged'], rows)];
  if (points.size > MAX_ROWS) lines.push(`… and ${points.size - MAX_ROWS} more sweep points (summary.json has them all)`);
  return lines;
}

export function verdictText(preset: string, verdict: Verdict): string[] {
  return [`${preset}: ${verdict.claim}`, '', ...verdict.measured.map((line) => `  ${line}`), '', verdict.summary];
}
