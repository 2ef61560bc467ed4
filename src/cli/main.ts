/**
 * The `dlnsim` executable (built to dist/node/cli.js, started by bin/dlnsim.mjs). Ctrl-C (SIGINT)
 * or SIGTERM (a scheduler's stop, `kill`) aborts training through an AbortController: the batch in
 * flight records the state it reached, the results are written and the exit code is 130 (143
 * after SIGTERM). A second signal ends the process at once, by that signal, after removing the
 * temporary file of any write in progress, so the results directory holds the last complete files
 * or none (atomic-write.ts).
 */
import { removeTemporaryFiles } from '../results/atomic-write.js';
import { runCli } from './cli.js';
import { EXIT_INTERRUPTED, EXIT_TERMINATED } from './exit-codes.js';
import { boundHeapGrowth } from './heap-growth.js';

boundHeapGrowth();

const controller = new AbortController();
let terminated = false;

function stop(signal: 'SIGINT' | 'SIGTERM'): void {
  if (controller.signal.aborted) {
    removeTemporaryFiles();
    // Die by the signal itself (the shell reports 128 + its number): process.exit() would run
    // Dawn's teardown under work in flight, which crashes with SIGSEGV.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  terminated = signal === 'SIGTERM';
  const again = signal === 'SIGINT' ? 'Ctrl-C again' : 'another signal';
  process.stderr.write(
    `\ndlnsim: ${signal === 'SIGINT' ? 'interrupted' : 'terminated'}; writing the results recorded so far (${again} to quit at once)\n`,
  );
  controller.abort();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.exitCode = code === EXIT_INTERRUPTED && terminated ? EXIT_TERMINATED : code;
