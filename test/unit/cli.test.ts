/**
 * The CLI's argument parsing and its answers to bad input, in-process through runCli (no GPU is
 * touched: bad input is rejected before the device is acquired). Runs that train are in
 * experiment.gpu.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { runCli } from '../../src/cli/cli.js';
import { defaultOutDir } from '../../src/cli/load-config.js';
import { PRESETS } from '../../src/presets/index.js';

const scratch = await mkdtemp(join(tmpdir(), 'dlnsim-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** runCli with captured output. */
async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

const tinyConfig = {
  task: { kind: 'factorization', target: { rows: 3, cols: 3, singularValues: [1] } },
  network: { depth: 2, width: 3 },
  init: { kind: 'gaussian', std: 0.1 },
  train: { lr: 0.1, steps: 10 },
  record: { every: 5 },
};

describe('parseArgs', () => {
  it('reads run with every option, in both --opt value and --opt=value forms', () => {
    expect(
      parseArgs([
        'run',
        'x.json',
        '--out',
        'o',
        '--set',
        'a=1',
        '--set=b=2',
        '--shard=1/2',
        '-q',
        '--format',
        'parquet',
      ]),
    ).toEqual({
      kind: 'run',
      source: 'x.json',
      out: 'o',
      sets: ['a=1', 'b=2'],
      shard: '1/2',
      quiet: true,
      format: 'parquet',
    });
    expect(parseArgs(['run', 'saddle-to-saddle'])).toEqual({
      kind: 'run',
      source: 'saddle-to-saddle',
      out: undefined,
      sets: [],
      shard: undefined,
      quiet: false,
      format: 'auto',
    });
    expect(() => parseArgs(['run', 'x', '--format', 'xlsx'])).toThrow(/--format xlsx is not a results format/);
  });

  it('reads the other commands', () => {
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['run', '--help'])).toEqual({ kind: 'help', topic: 'run' });
    expect(parseArgs(['presets'])).toEqual({ kind: 'presets' });
    expect(parseArgs(['info'])).toEqual({ kind: 'info' });
    expect(parseArgs(['merge', 'out', 'a', 'b'])).toEqual({
      kind: 'merge',
      out: 'out',
      dirs: ['a', 'b'],
      format: 'auto',
    });
    expect(parseArgs(['merge', 'out', 'a', '--format=json'])).toEqual({
      kind: 'merge',
      out: 'out',
      dirs: ['a'],
      format: 'json',
    });
  });

  it('rejects malformed command lines with a UsageError that says what to type', () => {
    expect(() => parseArgs(['frobnicate'])).toThrow(/unknown command `frobnicate`; the commands are run, presets/);
    expect(() => parseArgs(['run'])).toThrow(/run needs a preset name or a config file/);
    expect(() => parseArgs(['run', 'a', 'b'])).toThrow(UsageError);
    expect(() => parseArgs(['run', 'a', '--out'])).toThrow(/--out needs a value, e.g. --out results\/mine/);
    expect(() => parseArgs(['run', 'a', '--seeds', '3'])).toThrow(/unknown option --seeds for run/);
    expect(() => parseArgs(['merge', 'out'])).toThrow(/at least one shard directory/);
    expect(() => parseArgs(['info', 'extra'])).toThrow(/takes no arguments/);
  });
});

describe('runCli', () => {
  it('prints help and the presets with exit code 0', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('dlnsim run <preset | config.json>');
    expect(help.stdout).toContain('130');
    const run = await cli('help', 'run');
    expect(run.stdout).toContain('--shard i/n');
    const presets = await cli('presets');
    expect(presets.code).toBe(0);
    for (const preset of PRESETS) expect(presets.stdout).toContain(preset.name);
    expect((await cli('--version')).stdout).toMatch(/^dlnsim \d+\.\d+\.\d+/);
  });

  const badInput: [string, string[], RegExp, () => Promise<void>][] = [
    [
      'an unknown preset',
      ['run', 'saddle-too-saddle'],
      /unknown preset `saddle-too-saddle`; the presets are saddle-to-saddle/,
      async () => {},
    ],
    ['a missing config file', ['run', join(scratch, 'absent.json')], /absent\.json does not exist/, async () => {}],
    [
      'malformed JSON',
      ['run', join(scratch, 'broken.json')],
      /config field `config` = "broken\.json": broken\.json is not valid JSON/,
      () => writeFile(join(scratch, 'broken.json'), '{\n  "task": ,\n}'),
    ],
    [
      'an unknown config key',
      ['run', join(scratch, 'typo.json')],
      /config field `train.learning_rate` = 0.1: unknown key; did you mean `lr`\?/,
      () =>
        writeFile(
          join(scratch, 'typo.json'),
          JSON.stringify({ ...tinyConfig, train: { learning_rate: 0.1, steps: 10 } }),
        ),
    ],
    [
      'a matrix export over its limit',
      ['run', join(scratch, 'matrices.json')],
      /config field `record.matrices` = true: the matrix files would hold 312\.8 MiB.*over the limit of 256\.0 MiB; raise record.every, lower train.steps, seeds/s,
      () =>
        writeFile(
          join(scratch, 'matrices.json'),
          JSON.stringify({
            ...tinyConfig,
            network: { depth: 2, width: 64 },
            task: { ...tinyConfig.task, target: { rows: 64, cols: 64, singularValues: [1] } },
            train: { lr: 0.1, steps: 1000 },
            record: { every: 1, matrices: true },
            seeds: 20,
          }),
        ),
    ],
    [
      'a --set without =',
      ['run', 'saddle-to-saddle', '--set', 'train.lr'],
      /config field `--set` = "train.lr": write --set path=value/,
      async () => {},
    ],
    [
      'a --set of an unknown key',
      ['run', 'saddle-to-saddle', '--set', 'train.rate=0.1'],
      /`train.rate` is not a config path; the keys of `train` are: lr, steps/,
      async () => {},
    ],
    [
      'a --set to an invalid value',
      ['run', 'saddle-to-saddle', '--set', 'train.lr=-1'],
      /config field `train.lr` = -1: must be a finite number > 0/,
      async () => {},
    ],
    ['a bad --shard', ['run', 'saddle-to-saddle', '--shard', '3/2'], /--shard.*1 ≤ i ≤ n/, async () => {}],
    ['an unknown option', ['run', 'saddle-to-saddle', '--verbose'], /unknown option --verbose/, async () => {}],
    [
      'merging a directory without results',
      ['merge', join(scratch, 'merged'), join(scratch, 'nothing')],
      /nothing\/summary\.json does not exist/,
      async () => {},
    ],
  ];

  for (const [what, argv, message, setup] of badInput) {
    it(`exits 2 with the error's message and no stack on ${what}`, async () => {
      await setup();
      const { code, stdout, stderr } = await cli(...argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(/^dlnsim: /);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('names the default output directory after the experiment and the time', () => {
    expect(defaultOutDir('saddle-to-saddle', new Date(2025, 0, 31, 14, 5, 9))).toBe(
      'results/saddle-to-saddle-2025-01-31-14-05-09',
    );
    expect(defaultOutDir('my run/1', new Date(2025, 0, 31, 14, 5, 9))).toBe('results/my-run-1-2025-01-31-14-05-09');
  });
});
