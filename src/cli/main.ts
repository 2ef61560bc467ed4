/**
 * The `dlnsim` executable (built to dist/node/cli.js, started by bin/dlnsim.mjs). Ctrl-C (SIGINT)
 * aborts training through an AbortController: the batch in flight records the state it reached,
 * the results are written and the exit code is 130. A second Ctrl-C exits at once.
 */
import { runCli } from './cli.js';
import { EXIT_INTERRUPTED } from './exit-codes.js';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
  process.stderr.write('\ndlnsim: interrupted; writing the results recorded so far (Ctrl-C again to quit at once)\n');
  controller.abort();
});

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
