/**
 * Property-based tests (fast-check) of every way input reaches dlnsim: config trees, CLI argv,
 * <dln-sim> attribute values and demo URL states. The property: an input either runs, or is
 * refused with a ConfigError / UsageError (exit 2 from the CLI) whose message names a field or
 * option; never another exception, exit 1, NaN in summary.json, or a partly written results
 * directory. Run counts are small enough for CI; each test prints how many inputs it tried and
 * how many were accepted. The seed is fixed, so CI tries the same inputs every time (a run that
 * fails once fails again); FUZZ_SEED=S and FUZZ_RUNS=N search elsewhere and longer by hand, e.g.
 * FUZZ_SEED=$RANDOM FUZZ_RUNS=20000 npx vitest run test/unit/fuzz.test.ts.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseUrlState, resolveState } from '../../demo/url-state.js';
import { UsageError } from '../../src/cli/args.js';
import { runCli } from '../../src/cli/cli.js';
import { expandRuns, parseConfig } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';
import { configFromAttributes } from '../../src/element/attributes.js';
import { CONFIG_ATTRIBUTES } from '../../src/element/attributes.js';
import { ConfigError } from '../../src/errors.js';
import { planBatches } from '../../src/experiment/index.js';
import type { MemoryLimits } from '../../src/gpu/host-memory.js';
import { findPreset, PRESETS } from '../../src/presets/index.js';
import { testGpu } from '../helpers/gpu.js';

const CHEAP_RUNS = Number(process.env.FUZZ_RUNS) || 300;
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261207);
fc.configureGlobal({ seed: FUZZ_SEED });
console.log(`fuzz seed ${FUZZ_SEED} (FUZZ_SEED=S to change it)`);
const GPU_RUNS = 24;
/** Fixed, so the properties do not depend on the machine; SwiftShader's binding limit. */
const limits: MemoryLimits = { bindingBytes: 2 ** 30, hostBytes: 4 * 2 ** 30, hostSource: 'the fuzz tests' };

const scratch = await mkdtemp(join(tmpdir(), 'dlnsim-fuzz-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const tiny: Config = {
  task: { kind: 'factorization', target: { rows: 3, cols: 3, singularValues: [2, 1] } },
  network: { depth: 2, width: 4 },
  init: { kind: 'gaussian', std: 0.1 },
  train: { lr: 0.05, steps: 20 },
  record: { every: 5 },
};

/** Config paths worth hitting, valid or not, and keys nobody expects. */
const PATHS = [
  'name',
  'seeds',
  'task.kind',
  'task.seed',
  'task.observed',
  'task.samples',
  'task.measurements',
  'task.noise',
  'task.target',
  'task.target.rows',
  'task.target.cols',
  'task.target.singularValues',
  'task.target.aligned',
  'network.depth',
  'network.width',
  'network.widths',
  'init.kind',
  'init.std',
  'init.gain',
  'init.scale',
  'init.seed',
  'init.aligned',
  'train.lr',
  'train.weightDecay',
  'train.method',
  'train.flowDepth',
  'train.integrator',
  'train.divergenceFactor',
  'record.spectra',
  'record.svd',
  'record.layers',
  'record.matrices',
  'record.rankTolerance',
  'loss.scale',
  'sweep',
  'train',
  'record',
  'network',
];
const oddKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'ñétwork', '网络', '🚀', 'train.lr.x', ''),
);

/** The values that break parsers: wrong types, non-finite numbers as strings, huge and negative numbers, long strings. */
const evil: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -3, max: 40 }),
    fc.constantFrom(
      0,
      -1,
      1e9,
      1e308,
      -1e308,
      2 ** 53,
      0.5,
      1e-300,
      'NaN',
      'Infinity',
      '-Infinity',
      'nan',
      '1e999',
      null,
      true,
      false,
      '',
      [],
    ),
    fc.double(),
    fc.string({ maxLength: 20 }),
    fc.string({ minLength: 2000, maxLength: 5000 }).map((s) => s.padEnd(2000, 'x')),
    fc.array(fc.oneof(fc.integer({ min: -2, max: 20 }), fc.double(), fc.string({ maxLength: 3 })), { maxLength: 6 }),
    fc.dictionary(oddKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A sweep: paths to lists of mixed types. */
const sweep = fc.dictionary(
  fc.oneof(fc.constantFrom(...PATHS), oddKey),
  fc.oneof(fc.array(evil, { maxLength: 4 }), evil),
  { maxKeys: 3 },
);

/** A tree close enough to a valid config that many pass and the rest fail deep inside. */
const configTree: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PATHS), oddKey), evil), { maxLength: 4 }), fc.option(sweep))
    .map(([edits, s]) => {
      const tree = structuredClone(tiny) as unknown as Record<string, unknown>;
      for (const [path, value] of edits) setPath(tree, path, value);
      if (s) tree.sweep = s;
      return tree;
    }),
  evil,
  fc.constant(deep(200)),
);

function setPath(tree: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at: Record<string, unknown> = tree;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(at, key) ? at[key] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  Object.defineProperty(at, keys.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
}

function deep(levels: number): unknown {
  let tree: unknown = 1;
  for (let i = 0; i < levels; i++) tree = { train: tree };
  return { ...tiny, record: tree };
}

/** The property of a refusal: a ConfigError naming a field, or a UsageError; anything else fails the test. */
function refusedWell(error: unknown): boolean {
  if (error instanceof ConfigError)
    return error.field.length > 0 && error.message.startsWith(`config field \`${error.field}\``);
  if (error instanceof UsageError) return error.message.length > 0;
  throw error;
}

/** Counts accepted and refused inputs, and prints them after the property ran. */
function tally(what: string) {
  const counts = { tried: 0, accepted: 0, refused: 0 };
  return {
    counts,
    accept: () => (counts.tried++, counts.accepted++),
    refuse: () => (counts.tried++, counts.refused++),
    print: () =>
      console.log(
        `fuzz ${what}: ${counts.tried} inputs, ${counts.accepted} accepted, ${counts.refused} refused with a named field`,
      ),
  };
}

/** Runs `accept` on one input: it returns (accepted) or throws a well-formed refusal; anything else fails. */
function judge(t: ReturnType<typeof tally>, accept: () => void): void {
  try {
    accept();
    t.accept();
  } catch (error) {
    expect(refusedWell(error)).toBe(true);
    t.refuse();
  }
}

describe('fuzzed inputs are run or refused with a named field', () => {
  it(`config trees (${CHEAP_RUNS} runs): parseConfig, expandRuns and planBatches throw only ConfigErrors`, () => {
    const t = tally('config trees');
    fc.assert(
      fc.property(configTree, (tree) => {
        judge(t, () => {
          const config = parseConfig(tree);
          planBatches(expandRuns(config), limits);
        });
      }),
      { numRuns: CHEAP_RUNS },
    );
    t.print();
    expect(t.counts.accepted).toBeGreaterThan(0);
    expect(t.counts.refused).toBeGreaterThan(0);
  });

  it(`<dln-sim> attribute values (${CHEAP_RUNS} runs): configFromAttributes and planBatches throw only ConfigErrors`, () => {
    const t = tally('<dln-sim> attributes');
    const attributeValue = fc.oneof(
      fc.constantFrom(...PRESETS.map((p) => p.name)),
      fc.string({ maxLength: 30 }),
      evil.map((v) => JSON.stringify(v) ?? 'undefined'),
      fc
        .array(fc.tuple(fc.constantFrom(...PATHS), evil), { maxLength: 3 })
        .map((edits) => edits.map(([p, v]) => `${p}=${JSON.stringify(v)}`).join('; ')),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...CONFIG_ATTRIBUTES), attributeValue, { maxKeys: 4 }),
        (attributes) => {
          const element = {
            getAttribute: (name: string) => (Object.hasOwn(attributes, name) ? attributes[name]! : null),
          } as Element;
          judge(t, () => {
            planBatches(expandRuns(configFromAttributes(element)), limits);
          });
        },
      ),
      { numRuns: CHEAP_RUNS },
    );
    t.print();
    expect(t.counts.refused).toBeGreaterThan(0);
  });

  it(`demo URL states (${CHEAP_RUNS} runs): parseUrlState and resolveState throw only ConfigErrors`, () => {
    const t = tally('demo URL states');
    const presetConfig = (name: string): Config => {
      const preset = name === '' ? PRESETS[0] : findPreset(name);
      if (!preset) throw new ConfigError('preset', name, 'unknown preset');
      return preset.config;
    };
    const param = fc.tuple(
      fc.oneof(fc.constantFrom(...PATHS, 'preset', 'config', 'autoplay', 'show-run', 'sweep-x'), oddKey),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        evil.map((v) => JSON.stringify(v) ?? ''),
        fc.constantFrom(...PRESETS.map((p) => p.name)),
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(param, { maxLength: 5 }).map((ps) => `?${new URLSearchParams(ps).toString()}`),
          fc.string({ maxLength: 60 }),
        ),
        (search) => {
          judge(t, () => {
            planBatches(expandRuns(resolveState(parseUrlState(search), presetConfig)), limits);
          });
        },
      ),
      { numRuns: CHEAP_RUNS },
    );
    t.print();
    expect(t.counts.accepted).toBeGreaterThan(0);
  });

  it(`CLI argv (${GPU_RUNS} runs, training on the GPU): exit 0 with complete, finite results, or exit 2 naming the field or option`, async () => {
    const gpu = (await testGpu())!;
    const base = join(scratch, 'tiny.json');
    await writeFile(base, JSON.stringify(tiny));
    const t = tally('CLI argv');
    let n = 0;
    const option = fc.oneof(
      {
        arbitrary: fc.constantFrom(
          ['--set', 'train.lr=0.1'],
          ['--set', 'seeds=2'],
          ['--set', 'network.width=6'],
          ['--set', 'init.std=0.3'],
          ['--set', 'sweep={"train.lr":[0.01,0.1]}'],
        ),
        weight: 4,
      },
      fc
        .tuple(fc.constantFrom(...PATHS), evil)
        .map(([p, v]) => ['--set', `${p}=${typeof v === 'string' ? v : JSON.stringify(v)}`]),
      fc.constantFrom(
        ['--quiet'],
        ['-q'],
        ['--shard', '1/2'],
        ['--shard', '3/2'],
        ['--shard'],
        ['--frob'],
        ['--set'],
        ['--set', 'novalue'],
        ['extra.json'],
        ['--out'],
      ),
      fc.string({ maxLength: 10 }).map((s) => [s]),
    );
    const argv = fc.tuple(
      fc.constantFrom('run', 'run', 'run', 'run', 'run', 'presets', 'info', 'merge', 'help', 'frob', ''),
      fc.constantFrom(base, base, base, base, 'missing.json', '--quiet'),
      fc.array(option, { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(argv, async ([command, source, options]) => {
        const out = join(scratch, `out-${n++}`);
        // Bounded cost: the last word on steps and recording, and the output directory, is ours.
        const args = [
          command,
          source,
          ...options.flat(),
          ...(command === 'run' ? ['--set', 'train.steps=20', '--set', 'record.every=5', '--out', out, '-q'] : []),
        ];
        let stderr = '';
        const code = await runCli(args, {
          stdout: { write: () => true },
          stderr: { write: (s: string) => (stderr += s) },
          gpu,
        });
        expect([0, 2], `argv ${JSON.stringify(args)}: exit ${code}, stderr ${stderr}`).toContain(code);
        if (code === 2) {
          expect(stderr).toMatch(/^dlnsim: /);
          expect(stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
          t.refuse();
          return;
        }
        t.accept();
        if (command !== 'run') return;
        expect((await readdir(out)).sort()).toEqual(['report.html', 'summary.json', 'trace.csv']);
        const summary = await readFile(join(out, 'summary.json'), 'utf8');
        expect(summary).not.toMatch(/NaN|Infinity/);
        JSON.parse(summary);
      }),
      { numRuns: GPU_RUNS },
    );
    t.print();
    gpu.throwIfFailed();
  });
});
