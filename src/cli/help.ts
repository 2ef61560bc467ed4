/** The text of `dlnsim --help` and `dlnsim help <command>`. docs/cli.md has the long form. */
import { PARQUET_THRESHOLD_RUNS } from '../results/files.js';
import { UsageError } from './args.js';

const OVERVIEW = `dlnsim — deep linear network training dynamics on the GPU (WebGPU)

Usage:
  dlnsim run <preset | config.json> [--out DIR] [--set path=value ...] [--shard i/n] [--format F] [--quiet]
  dlnsim presets                     list the presets, one line each
  dlnsim info                        the WebGPU adapter and its limits
  dlnsim merge OUTDIR DIR... [--format F]  join the outputs of --shard 1/n … n/n into OUTDIR
  dlnsim help <command>              details of one command

Examples:
  dlnsim run saddle-to-saddle
  dlnsim run my-config.json --out results/mine --set train.lr=0.05 --set seeds=8
  dlnsim run depth-l2 --shard 2/4 --out results/depth-l2/shard-2

Exit codes: 0 ok, 1 failure (GPU, device limits, files), 2 bad input (unknown preset or option,
malformed JSON, invalid config), 130 interrupted by Ctrl-C, 143 by SIGTERM (results recorded
so far are written).
Full documentation: docs/cli.md.
`;

const TOPICS: Record<string, string> = {
  run: `dlnsim run <preset | config.json> [options]

Trains every run of a preset or config (sweep × seeds), one GPU batch per network shape, and
writes summary.json, trace.csv and report.html into the output directory (beyond ${PARQUET_THRESHOLD_RUNS} runs
runs.parquet and trace.parquet instead of the runs in summary.json and trace.csv). A preset also prints
its verdict: the claim it reproduces, the measured numbers and PASS or FAIL.

Options:
  --out DIR, -o DIR     output directory (default results/<name>-<timestamp>)
  --set path=value      edit the config before it runs; repeatable. The value is JSON when it
                        parses, else a string: --set train.lr=0.05 --set network.widths=[8,16,8]
                        --set 'sweep={"train.weightDecay":[0,0.01]}'; null removes a field.
  --shard i/n           train only shard i of n (1-based): the runs whose id ≡ i−1 (mod n).
                        Join the n outputs with dlnsim merge.
  --format F            auto (default: JSON + CSV up to ${PARQUET_THRESHOLD_RUNS} runs, Parquet beyond), json
                        (runs in summary.json, trace.csv) or parquet (runs.parquet, trace.parquet)
  --quiet, -q           no progress on stderr

Progress (steps/s, network-steps/s, ETA, batch i/n) goes to stderr. Ctrl-C stops training,
writes what was recorded and exits with 130 (SIGTERM: the same, exit 143); a second Ctrl-C
quits at once, leaving the last complete files or none.
`,
  presets: `dlnsim presets

Lists the presets with a one-line description. Run one with dlnsim run <name>; see its config
in the summary.json it writes, or edit it with --set.
`,
  info: `dlnsim info

Prints the WebGPU adapter dlnsim would use (a GPU through Vulkan/Metal/D3D12, or the SwiftShader
software fallback, about 100× slower), and the device limits that bound batch sizes.
`,
  merge: `dlnsim merge OUTDIR DIR...

Joins the output directories of dlnsim run … --shard 1/n, …, --shard n/n into OUTDIR, as if the
experiment had run unsharded: runs sorted by id, timing summed, the preset's verdict recomputed.
Every shard must be present exactly once and all must come from the same config and --set edits.
Shards may be in either format; --format chooses OUTDIR's (as for run; auto by the merged count).
`,
};

export function helpText(topic?: string): string {
  if (topic === undefined || topic === 'help') return OVERVIEW;
  const text = TOPICS[topic];
  if (!text) throw new UsageError(`no help for \`${topic}\`; the commands are ${Object.keys(TOPICS).join(', ')}`);
  return text;
}
