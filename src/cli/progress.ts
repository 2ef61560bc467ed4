/**
 * Training progress on stderr. On a terminal one status line is rewritten in place a few times a
 * second; into a file or a cluster log (not a TTY) a plain line is appended every few seconds, so
 * logs stay short but still show that the job is alive.
 */
import type { ExperimentProgress } from '../experiment/index.js';
import { formatDuration, formatRate } from '../display/format.js';
import type { ErrorStream } from './io.js';

const TTY_INTERVAL_MS = 250;
const LOG_INTERVAL_MS = 10_000;

export interface ProgressReporter {
  update(progress: ExperimentProgress): void;
  /** Ends the status line (before other output). */
  clear(): void;
}

export function progressReporter(stream: ErrorStream, quiet: boolean): ProgressReporter {
  const tty = stream.isTTY === true;
  let last = -Infinity;
  let shown = false;
  return {
    update(progress) {
      if (quiet) return;
      const now = Date.now();
      const finished = progress.step >= progress.totalSteps;
      if (now - last < (tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS) && !finished) return;
      last = now;
      const line = progressLine(progress);
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        shown = true;
      } else stream.write(`${line}\n`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export function progressLine(p: ExperimentProgress): string {
  const percent = p.totalSteps > 0 ? Math.floor((100 * p.step) / p.totalSteps) : 100;
  return [
    `batch ${p.batch}/${p.batches} (${p.networks} network${p.networks === 1 ? '' : 's'})`,
    `step ${p.step.toLocaleString('en-US')}/${p.totalSteps.toLocaleString('en-US')} (${percent}%)`,
    `${formatRate(p.stepsPerSecond)} steps/s`,
    `${formatRate(p.networkStepsPerSecond)} network-steps/s`,
    `ETA ${formatDuration(p.etaSeconds)}`,
  ].join(' · ');
}
