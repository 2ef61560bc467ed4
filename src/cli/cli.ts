/**
 * The CLI as a function: argv in, exit code out (0 ok, 1 failure, 2 bad input, 130 interrupted),
 * messages on the given streams. main.ts calls it with the process's streams and SIGINT.
 */
import { version } from '../../package.json';
import { ConfigError, DlnsimError } from '../errors.js';
import { ResultsError } from '../results/index.js';
import { PRESETS } from '../presets/index.js';
import { formatTable } from '../presets/table.js';
import { parseArgs, UsageError } from './args.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from './exit-codes.js';
import { helpText } from './help.js';
import { infoCommand } from './info-command.js';
import type { CliIo } from './io.js';
import { mergeCommand } from './merge-command.js';
import { runCommand } from './run-command.js';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseArgs(argv);
    switch (command.kind) {
      case 'help':
        io.stdout.write(helpText(command.topic));
        return EXIT_OK;
      case 'version':
        io.stdout.write(`dlnsim ${version}\n`);
        return EXIT_OK;
      case 'presets':
        io.stdout.write(
          `${formatTable(
            ['preset', 'what it reproduces'],
            PRESETS.map((p) => [p.name, p.description]),
          ).join('\n')}\n`,
        );
        return EXIT_OK;
      case 'info':
        return await infoCommand(io);
      case 'run':
        return await runCommand(command, io);
      case 'merge':
        return await mergeCommand(command, io);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

/** Bad input: the message and exit 2. Our other errors: the message and exit 1. Anything else is a bug: the stack. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof ResultsError) {
    io.stderr.write(`dlnsim: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof DlnsimError) {
    io.stderr.write(`dlnsim: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  io.stderr.write(
    `dlnsim: unexpected error (please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT_FAILURE;
}
