/**
 * The command line, parsed into one command object; anything malformed is a UsageError (exit 2)
 * whose message says what to type instead.
 */
import { DlnsimError } from '../errors.js';
import { type FormatChoice, PARQUET_THRESHOLD_RUNS } from '../results/files.js';

/** Bad command-line usage: an unknown command or option, a missing argument. Exit code 2. */
export class UsageError extends DlnsimError {
  override name = 'UsageError';
}

export type Command =
  | { kind: 'help'; topic?: string }
  | { kind: 'version' }
  | { kind: 'presets' }
  | { kind: 'info' }
  | { kind: 'run'; source: string; out?: string; sets: string[]; shard?: string; quiet: boolean; format: FormatChoice }
  | { kind: 'merge'; out: string; dirs: string[]; format: FormatChoice };

/** --format: where the per-run results and the trace go (docs/cli.md, Results files). */
const FORMATS: readonly FormatChoice[] = ['auto', 'json', 'parquet'];

function parseFormat(text: string): FormatChoice {
  if ((FORMATS as readonly string[]).includes(text)) return text as FormatChoice;
  throw new UsageError(
    `--format ${text} is not a results format; write --format auto (the default: Parquet beyond ${PARQUET_THRESHOLD_RUNS} runs), --format json (summary.json + trace.csv) or --format parquet`,
  );
}

export const COMMANDS = ['run', 'presets', 'info', 'merge', 'help'] as const;

export function parseArgs(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') return { kind: 'help' };
  if (name === '--version' || name === '-v') return { kind: 'version' };
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic: name };
  switch (name) {
    case 'help':
      return { kind: 'help', topic: rest[0] };
    case 'presets':
    case 'info':
      noArguments(name, rest);
      return { kind: name };
    case 'run':
      return parseRun(rest);
    case 'merge': {
      const positional: string[] = [];
      let format: FormatChoice = 'auto';
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i]!;
        if (arg === '--format' || arg.startsWith('--format=')) {
          const value = arg === '--format' ? rest[++i] : arg.slice('--format='.length);
          if (value === undefined) throw new UsageError('--format needs a value, e.g. --format parquet');
          format = parseFormat(value);
        } else if (arg.startsWith('-')) {
          throw new UsageError(
            `unknown option ${arg} for merge; usage: dlnsim merge OUTDIR DIR... [--format auto|json|parquet]`,
          );
        } else positional.push(arg);
      }
      if (positional.length < 2)
        throw new UsageError(
          'merge needs an output directory and at least one shard directory: dlnsim merge OUTDIR DIR...',
        );
      return { kind: 'merge', out: positional[0]!, dirs: positional.slice(1), format };
    }
    default:
      throw new UsageError(`unknown command \`${name}\`; the commands are ${COMMANDS.join(', ')} (dlnsim --help)`);
  }
}

function noArguments(command: string, rest: readonly string[]): void {
  if (rest.length > 0) throw new UsageError(`${command} takes no arguments, got ${rest.join(' ')}`);
}

/** run <preset | config.json> [--out DIR] [--set path=value ...] [--shard i/n] [--quiet]; `--opt=value` works too. */
function parseRun(args: readonly string[]): Command {
  const sets: string[] = [];
  let source: string | undefined;
  let out: string | undefined;
  let shard: string | undefined;
  let quiet = false;
  let format: FormatChoice = 'auto';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      if (source !== undefined)
        throw new UsageError(`run takes one preset or config file, got both ${source} and ${arg}`);
      source = arg;
      continue;
    }
    const equals = arg.indexOf('=');
    const option = equals >= 0 ? arg.slice(0, equals) : arg;
    const value = (): string => {
      if (equals >= 0) return arg.slice(equals + 1);
      const next = args[++i];
      if (next === undefined)
        throw new UsageError(`${option} needs a value, e.g. ${EXAMPLES[option] ?? `${option} VALUE`}`);
      return next;
    };
    switch (option) {
      case '--out':
      case '-o':
        out = value();
        break;
      case '--set':
        sets.push(value());
        break;
      case '--shard':
        shard = value();
        break;
      case '--quiet':
      case '-q':
        quiet = true;
        break;
      case '--format':
        format = parseFormat(value());
        break;
      default:
        throw new UsageError(
          `unknown option ${option} for run; the options are --out DIR, --set path=value, --shard i/n, --format auto|json|parquet, --quiet`,
        );
    }
  }
  if (source === undefined)
    throw new UsageError(
      'run needs a preset name or a config file: dlnsim run saddle-to-saddle, or dlnsim run my-config.json (dlnsim presets lists the presets)',
    );
  return { kind: 'run', source, out, sets, shard, quiet, format };
}

const EXAMPLES: Record<string, string> = {
  '--out': '--out results/mine',
  '-o': '-o results/mine',
  '--set': '--set train.lr=0.05',
  '--shard': '--shard 1/4',
  '--format': '--format parquet',
};
