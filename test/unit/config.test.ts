import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  batchKey,
  configFromJson,
  expandRuns,
  groupBatches,
  MAX_RUNS,
  parseConfig,
  resolveConfig,
  setOverride,
} from '../../src/config/index.js';
import { jsonErrorOffset } from '../../src/config/json-error-offset.js';
import type { Config, ResolvedConfig } from '../../src/config/types.js';

/** Factorization of a 3×4 target (n_0 = 4, n_N = 3) by a depth-3, width-6 network: valid. */
function baseConfig(): Config {
  return {
    task: { kind: 'factorization', target: { rows: 3, cols: 4, singularValues: [3, 2, 1], seed: 5 } },
    network: { depth: 3, width: 6 },
    init: { kind: 'gaussian', std: 0.1, seed: 2 },
    train: { lr: 0.01, steps: 100 },
    record: { every: 10 },
  };
}

/** A deep copy of `config` with the dotted path set (or removed when `value` is undefined). */
function edited(config: object, edits: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split('.');
    let node = copy;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    if (value === undefined) delete node[keys.at(-1)!];
    else node[keys.at(-1)!] = value;
  }
  return copy;
}

function configError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

const completion = { 'task.kind': 'completion', 'task.observed': 0.5 };
const regression = { 'task.kind': 'regression', 'task.samples': 50 };
const sensing = { 'task.kind': 'sensing', 'task.measurements': 30 };
const explicitTarget = {
  'task.target': {
    matrix: [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ],
  },
};
const balanced = { init: { kind: 'balanced', scale: 0.1 } };

describe('parseConfig rejects bad configs with the field and the fix', () => {
  // [what is wrong, edits to the base config, expected error.field, text the fix must contain]
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['missing section', { train: undefined }, 'train', 'missing; add it, e.g. {"lr": 0.01, "steps": 1000}'],
    ['section of the wrong type', { record: 10 }, 'record', 'must be an object'],
    ['empty name', { name: '' }, 'name', 'non-empty string'],
    ['lr = 0', { 'train.lr': 0 }, 'train.lr', 'must be a finite number > 0, e.g. 0.01'],
    ['lr as a string', { 'train.lr': '0.01' }, 'train.lr', 'must be a finite number > 0'],
    ['lr missing', { 'train.lr': undefined }, 'train.lr', 'missing; give a finite number > 0'],
    ['lr = Infinity', { 'train.lr': Infinity }, 'train.lr', 'finite'],
    ['fractional steps', { 'train.steps': 1.5 }, 'train.steps', 'must be an integer ≥ 0, e.g. 1000'],
    ['negative steps', { 'train.steps': -1 }, 'train.steps', 'integer ≥ 0'],
    ['negative weight decay', { 'train.weightDecay': -0.1 }, 'train.weightDecay', '≥ 0'],
    ['unknown method', { 'train.method': 'sgd' }, 'train.method', 'must be one of "layers", "flow"'],
    [
      'flowDepth with method layers',
      { 'train.flowDepth': 3 },
      'train.flowDepth',
      'only train.method "flow" uses `flowDepth`',
    ],
    ['flowDepth 0', { 'train.method': 'flow', 'train.flowDepth': 0 }, 'train.flowDepth', 'integer ≥ 1 or "infinity"'],
    ['flowDepth "inf"', { 'train.method': 'flow', 'train.flowDepth': 'inf' }, 'train.flowDepth', '"infinity"'],
    [
      'flowThreshold with method layers',
      { 'train.flowThreshold': 1e-3 },
      'train.flowThreshold',
      'only train.method "flow" uses `flowThreshold`',
    ],
    [
      'flowThreshold 0',
      { 'train.method': 'flow', 'train.flowThreshold': 0 },
      'train.flowThreshold',
      'must be a finite number > 0 and < 1, e.g. 0.0001',
    ],
    ['flowThreshold 1', { 'train.method': 'flow', 'train.flowThreshold': 1 }, 'train.flowThreshold', '> 0 and < 1'],
    ['flowThreshold NaN', { 'train.method': 'flow', 'train.flowThreshold': NaN }, 'train.flowThreshold', 'finite'],
    [
      'record.layers with the flow',
      { 'train.method': 'flow', 'record.layers': true },
      'record.layers',
      'has no layers to record; set record.layers to false, or train.method to "layers"',
    ],
    ['unknown integrator', { 'train.integrator': 'rk2' }, 'train.integrator', '"euler", "rk4"'],
    ['divergenceFactor 1', { 'train.divergenceFactor': 1 }, 'train.divergenceFactor', '> 1'],
    ['depth 0', { 'network.depth': 0 }, 'network.depth', 'integer ≥ 1'],
    [
      'depth 1e9 (a typo, not a network)',
      { 'network.depth': 1e9 },
      'network.depth',
      'at most 1024; for deeper networks train with train.method "flow"',
    ],
    ['1026 widths', { network: { widths: [4, ...Array<number>(1024).fill(2), 3] } }, 'network.widths', 'at most 1024'],
    ['fractional width', { 'network.width': 2.5 }, 'network.width', 'integer ≥ 1'],
    ['network without a form', { network: {} }, 'network', '{"widths": [n_0, …, n_N]}'],
    ['both network forms', { network: { depth: 2, width: 5, widths: [4, 5, 3] } }, 'network.depth', 'not both'],
    ['one width', { network: { widths: [4] } }, 'network.widths', 'at least 2 entries'],
    ['zero width', { network: { widths: [4, 0, 3] } }, 'network.widths[1]', 'integer ≥ 1'],
    ['widths empty', { network: { widths: [] } }, 'network.widths', 'non-empty array'],
    [
      'n_N ≠ target rows',
      { network: { widths: [4, 6, 5] } },
      'network.widths[2]',
      "output width n_N must equal the target's row count 3",
    ],
    [
      'n_0 ≠ target cols',
      { network: { widths: [5, 6, 3] } },
      'network.widths[0]',
      "input width n_0 must equal the target's column count 4",
    ],
    ['n_0 ≠ matrix cols', { ...explicitTarget, network: { widths: [3, 3] } }, 'network.widths[0]', 'column count 4'],
    [
      'unknown task kind',
      { 'task.kind': 'denoising' },
      'task.kind',
      '"factorization", "completion", "regression", "sensing"',
    ],
    ['missing target', { 'task.target': undefined }, 'task.target', 'missing'],
    ['zero rows', { 'task.target.rows': 0 }, 'task.target.rows', 'integer ≥ 1'],
    ['no singular values', { 'task.target.singularValues': [] }, 'task.target.singularValues', 'non-empty array'],
    ['negative singular value', { 'task.target.singularValues': [1, -1] }, 'task.target.singularValues[1]', '≥ 0'],
    [
      'too many singular values',
      { 'task.target.singularValues': [4, 3, 2, 1] },
      'task.target.singularValues',
      'at most min(rows, cols) = 3',
    ],
    ['aligned: false', { 'task.target.aligned': false }, 'task.target.aligned', 'must be true'],
    ['aligned target with a seed', { 'task.target.aligned': true }, 'task.target.seed', 'draws nothing at random'],
    ['target seed -1', { 'task.target.seed': -1 }, 'task.target.seed', 'integer ≥ 0'],
    ['matrix and rows', { 'task.target': { matrix: [[1]], rows: 1 } }, 'task.target.rows', 'takes no other fields'],
    [
      'ragged matrix',
      { 'task.target': { matrix: [[1, 2], [3]] } },
      'task.target.matrix[1]',
      'has 1 entries but row 0 has 2',
    ],
    [
      'non-numeric matrix entry',
      { 'task.target': { matrix: [[1, 'x']] } },
      'task.target.matrix[0][1]',
      'finite number',
    ],
    ['empty matrix', { 'task.target': { matrix: [] } }, 'task.target.matrix', 'non-empty array of equally long'],
    ['mask on factorization', { 'task.mask': [[1]] }, 'task.mask', 'only completion tasks use `mask`'],
    ['samples on sensing', { ...sensing, 'task.samples': 5 }, 'task.samples', 'only regression tasks use `samples`'],
    [
      'completion without observed or mask',
      { 'task.kind': 'completion' },
      'task.observed',
      'exactly one of `observed`',
    ],
    ['completion with both', { ...completion, 'task.mask': [[1]] }, 'task.mask', 'remove one'],
    ['observed 0', { ...completion, 'task.observed': 0 }, 'task.observed', '> 0 and ≤ 1'],
    ['observed 1.5', { ...completion, 'task.observed': 1.5 }, 'task.observed', '> 0 and ≤ 1'],
    [
      'mask of the wrong shape',
      {
        'task.kind': 'completion',
        'task.mask': [
          [1, 1],
          [1, 1],
        ],
      },
      'task.mask',
      "target's shape 3×4",
    ],
    [
      'mask entry 2',
      {
        'task.kind': 'completion',
        'task.mask': [
          [2, 1, 1, 1],
          [1, 1, 1, 1],
          [1, 1, 1, 1],
        ],
      },
      'task.mask[0][0]',
      '0 (hidden) or 1',
    ],
    [
      'mask of zeros',
      {
        'task.kind': 'completion',
        'task.mask': [
          [0, 0, 0, 0],
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ],
      },
      'task.mask',
      'at least one entry to 1',
    ],
    ['regression without samples', { 'task.kind': 'regression' }, 'task.samples', 'integer ≥ 1'],
    ['negative noise', { ...regression, 'task.noise': -1 }, 'task.noise', '≥ 0'],
    ['negative factorization noise', { 'task.noise': -0.1 }, 'task.noise', '≥ 0'],
    [
      'noise on completion',
      { ...completion, 'task.noise': 0.1 },
      'task.noise',
      'only regression and factorization tasks use `noise`',
    ],
    [
      'testSamples on factorization',
      { 'task.testSamples': 10 },
      'task.testSamples',
      'only regression and sensing tasks use `testSamples`',
    ],
    [
      'testSamples on completion',
      { ...completion, 'task.testSamples': 10 },
      'task.testSamples',
      'only regression and sensing tasks use `testSamples`',
    ],
    ['testSamples 0', { ...regression, 'task.testSamples': 0 }, 'task.testSamples', 'integer ≥ 1'],
    ['sensing without measurements', { 'task.kind': 'sensing' }, 'task.measurements', 'missing'],
    ['task seed 1.5', { 'task.seed': 1.5 }, 'task.seed', 'integer ≥ 0'],
    ['unknown init kind', { 'init.kind': 'xavier' }, 'init.kind', '"gaussian", "orthogonal", "balanced"'],
    ['gaussian with std and gain', { 'init.gain': 1 }, 'init.gain', 'exactly one of `std`'],
    ['gaussian with neither', { 'init.std': undefined }, 'init.std', 'exactly one of `std`'],
    ['std 0', { 'init.std': 0 }, 'init.std', '> 0'],
    ['std on orthogonal', { 'init.kind': 'orthogonal' }, 'init.std', 'orthogonal init does not use `std`'],
    ['orthogonal scale 0', { init: { kind: 'orthogonal', scale: 0 } }, 'init.scale', '> 0'],
    ['balanced without scale', { init: { kind: 'balanced' } }, 'init.scale', 'missing'],
    [
      'balanced aligned "yes"',
      { init: { kind: 'balanced', scale: 1, aligned: 'yes' } },
      'init.aligned',
      'true or false',
    ],
    ['aligned on gaussian', { 'init.aligned': true }, 'init.aligned', 'only balanced init does'],
    [
      'balanced, narrow width',
      { ...balanced, 'network.width': 2 },
      'network.width',
      'every hidden width ≥ min(n_0, n_N) = 3',
    ],
    [
      'balanced, narrow widths[2]',
      { ...balanced, network: { widths: [4, 5, 2, 3] } },
      'network.widths[2]',
      'min(n_0, n_N) = 3',
    ],
    ['init seed -1', { 'init.seed': -1 }, 'init.seed', 'integer ≥ 0'],
    ['record.every 0', { 'record.every': 0 }, 'record.every', 'integer ≥ 1'],
    ['unknown spectra', { 'record.spectra': 'cpu' }, 'record.spectra', '"gpu", "exact", "none"'],
    ['unknown svd kernel', { 'record.svd': 'qr' }, 'record.svd', '"bisection", "jacobi"'],
    ['record.layers "yes"', { 'record.layers': 'yes' }, 'record.layers', 'true or false'],
    ['record.matrices 1', { 'record.matrices': 1 }, 'record.matrices', 'true or false'],
    ['rankTolerance 1', { 'record.rankTolerance': 1 }, 'record.rankTolerance', '> 0 and < 1'],
    ['rankTolerance 0', { 'record.rankTolerance': 0 }, 'record.rankTolerance', '> 0 and < 1'],
    ['loss.scale 0', { 'loss.scale': 0 }, 'loss.scale', '> 0'],
    ['seeds 0', { seeds: 0 }, 'seeds', 'integer ≥ 1'],
    ['seeds 1.5', { seeds: 1.5 }, 'seeds', 'integer ≥ 1'],
    ['sweep not an object', { sweep: [0.1] }, 'sweep', '{"train.lr": [0.01, 0.1]}'],
    ['empty sweep list', { sweep: { 'train.lr': [] } }, 'sweep["train.lr"]', 'non-empty array'],
    ['sweep list not an array', { sweep: { 'train.lr': 0.1 } }, 'sweep["train.lr"]', 'non-empty array'],
    ['sweep over a section', { sweep: { train: [{}] } }, 'sweep["train"]', 'is a section'],
    ['sweep over seeds', { sweep: { seeds: [1, 2] } }, 'sweep["seeds"]', 'whole-experiment field'],
    ['misspelt sweep path', { sweep: { 'train.lrr': [0.1] } }, 'sweep["train.lrr"]', 'did you mean `train.lr`?'],
  ];

  it.each(cases)('%s', (_, edits, field, fix) => {
    const error = configError(() => parseConfig(edited(baseConfig(), edits)));
    expect(error.field).toBe(field);
    expect(error.fix).toContain(fix);
    expect(error.message).toContain(`config field \`${field}\``);
    expect(error.message).toContain(fix);
  });

  it('rejects a value that is not an object at all', () => {
    expect(configError(() => parseConfig(42)).field).toBe('config');
    expect(configError(() => parseConfig(null)).field).toBe('config');
  });

  it('formats the message as `config field FIELD = VALUE: FIX`', () => {
    const error = configError(() => parseConfig(edited(baseConfig(), { 'train.lr': -1 })));
    expect(error.message).toBe('config field `train.lr` = -1: must be a finite number > 0, e.g. 0.01');
    expect(error.value).toBe(-1);
  });
});

describe('unknown keys', () => {
  it.each([
    ['train.weight_decay', 'weightDecay'],
    ['train.lrr', 'lr'],
    ['train.LR', 'lr'],
    ['train.rl', 'lr'],
    ['train.learning_rate', 'lr'],
    ['record.evry', 'every'],
    ['trian', 'train'],
    ['task.target.singular_values', 'singularValues'],
  ])('%s suggests `%s`', (path, suggestion) => {
    const error = configError(() => parseConfig(edited(baseConfig(), { [path]: 0.01 })));
    expect(error.field).toBe(path);
    expect(error.fix).toContain(`did you mean \`${suggestion}\`?`);
  });

  it('lists the allowed keys, with no suggestion when nothing is close', () => {
    const error = configError(() => parseConfig(edited(baseConfig(), { 'init.temperature': 1 })));
    expect(error.field).toBe('init.temperature');
    expect(error.fix).not.toContain('did you mean');
    expect(error.fix).toContain('the keys of `init` are: kind, std, gain, scale, aligned, seed');
  });
});

describe('valid configs', () => {
  it.each([
    ['factorization', {}],
    ['completion by fraction', completion],
    [
      'completion by mask',
      {
        'task.kind': 'completion',
        'task.mask': [
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 0, 1],
        ],
      },
    ],
    ['regression with noise', { ...regression, 'task.noise': 0.1 }],
    ['sensing', sensing],
    ['explicit target', explicitTarget],
    ['aligned target', { 'task.target': { rows: 3, cols: 4, singularValues: [1], aligned: true } }],
    ['widths', { network: { widths: [4, 2, 7, 3] } }],
    ['depth 1 ignores the width', { network: { depth: 1, width: 1 }, ...balanced }],
    ['gaussian gain', { init: { kind: 'gaussian', gain: 1 } }],
    ['orthogonal without scale', { init: { kind: 'orthogonal' } }],
    [
      'balanced, aligned, hidden width = min(n_0, n_N)',
      { init: { kind: 'balanced', scale: 0.1, aligned: true }, 'network.width': 3 },
    ],
    ['flow at infinite depth', { 'train.method': 'flow', 'train.flowDepth': 'infinity', 'train.integrator': 'rk4' }],
    [
      'every optional field',
      {
        name: 'x',
        'train.weightDecay': 0.1,
        'train.divergenceFactor': 10,
        record: { every: 1, spectra: 'none', layers: true, matrices: true, rankTolerance: 0.5 },
        'loss.scale': 2,
        seeds: 4,
      },
    ],
  ])('%s', (_, edits) => {
    const input = edited(baseConfig(), edits);
    expect(parseConfig(input)).toBe(input);
  });
});

describe('resolveConfig', () => {
  it('fills every default and turns {depth, width} into widths [cols, width…, rows]', () => {
    const { init: _, ...rest } = baseConfig();
    const resolved = resolveConfig({ ...rest, init: { kind: 'gaussian', std: 0.1 } });
    const expected: ResolvedConfig = {
      name: 'experiment',
      task: {
        kind: 'factorization',
        target: { rows: 3, cols: 4, singularValues: [3, 2, 1], seed: 5 },
        seed: 0,
        noise: 0,
      },
      widths: [4, 6, 6, 3],
      init: { kind: 'gaussian', std: 0.1, seed: 0 },
      train: {
        lr: 0.01,
        steps: 100,
        weightDecay: 0,
        method: 'layers',
        flowDepth: 3,
        flowThreshold: 1e-4,
        integrator: 'euler',
        divergenceFactor: 1e6,
        kernel: 'auto',
      },
      record: {
        every: 10,
        spectra: 'gpu',
        svd: 'bisection',
        layers: false,
        matrices: false,
        rankTolerance: 1e-3,
        linearized: false,
      },
      loss: { scale: 1 },
    };
    expect(resolved).toEqual(expected);
  });

  it('keeps values that were given', () => {
    const given = edited(baseConfig(), {
      name: 'mine',
      'task.seed': 9,
      'train.weightDecay': 0.1,
      'train.method': 'flow',
      'train.flowDepth': 'infinity',
      'train.flowThreshold': 1e-3,
      'train.integrator': 'rk4',
      'train.divergenceFactor': 100,
      record: {
        every: 5,
        spectra: 'exact',
        svd: 'jacobi',
        layers: false,
        matrices: true,
        rankTolerance: 0.01,
        linearized: false,
      },
      'loss.scale': 2,
    }) as unknown as Config;
    const resolved = resolveConfig(given);
    expect(resolved.name).toBe('mine');
    expect(resolved.task.seed).toBe(9);
    expect(resolved.train).toEqual({
      lr: 0.01,
      steps: 100,
      weightDecay: 0.1,
      method: 'flow',
      flowDepth: 'infinity',
      flowThreshold: 1e-3,
      integrator: 'rk4',
      divergenceFactor: 100,
      kernel: 'auto',
    });
    expect(resolved.record).toEqual(given.record);
    expect(resolved.loss.scale).toBe(2);
    // The flow takes record.layers: false (only true is rejected); layer training keeps true.
    expect(resolveConfig(edited(baseConfig(), { 'record.layers': true }) as unknown as Config).record.layers).toBe(
      true,
    );
  });

  it('depth 1 is [cols, rows]; explicit widths and matrix targets are kept', () => {
    expect(resolveConfig(edited(baseConfig(), { 'network.depth': 1 }) as unknown as Config).widths).toEqual([4, 3]);
    expect(resolveConfig(edited(baseConfig(), { network: { widths: [4, 2, 3] } }) as unknown as Config).widths).toEqual(
      [4, 2, 3],
    );
    const matrix = resolveConfig(
      edited(baseConfig(), { ...explicitTarget, network: { depth: 2, width: 5 } }) as unknown as Config,
    );
    expect(matrix.widths).toEqual([4, 5, 3]);
  });

  it('defaults an orthogonal scale to 1 and regression noise to 0', () => {
    expect(resolveConfig(edited(baseConfig(), { init: { kind: 'orthogonal' } }) as unknown as Config).init.scale).toBe(
      1,
    );
    expect(resolveConfig(edited(baseConfig(), regression) as unknown as Config).task.noise).toBe(0);
  });

  it('refuses a sweep or several seeds, pointing to expandRuns', () => {
    const sweep = configError(() => resolveConfig({ ...baseConfig(), sweep: { 'train.lr': [0.1] } }));
    expect(sweep.field).toBe('sweep');
    expect(sweep.fix).toContain('expandRuns');
    expect(configError(() => resolveConfig({ ...baseConfig(), seeds: 2 })).field).toBe('seeds');
  });

  it('validates typed configs too', () => {
    expect(configError(() => resolveConfig({ ...baseConfig(), train: { lr: -1, steps: 1 } })).field).toBe('train.lr');
  });
});

describe('expandRuns', () => {
  it('refuses more than MAX_RUNS runs before making any, naming seeds or the sweep', () => {
    // seeds 1e9 once ran the process out of memory (found by the fuzz test).
    expect(() => expandRuns({ ...baseConfig(), seeds: 1e9 })).toThrow(ConfigError);
    expect(() => expandRuns({ ...baseConfig(), seeds: 1e9 })).toThrow(
      /`seeds` = 1000000000: one experiment expands to at most 4000000 runs/,
    );
    expect(() => expandRuns({ ...baseConfig(), seeds: MAX_RUNS / 2, sweep: { 'train.lr': [0.1, 0.2, 0.3] } })).toThrow(
      /`sweep` = .*3 sweep points × seeds = 6000000 runs/,
    );
  });

  it('without sweep or seeds: one run, no overrides, resolved', () => {
    const runs = expandRuns(baseConfig());
    expect(runs).toHaveLength(1);
    expect(runs[0]!.id).toBe(0);
    expect(runs[0]!.overrides).toEqual({});
    expect(runs[0]!.config).toEqual(resolveConfig(baseConfig()));
  });

  it('takes the Cartesian product in key order, the last key varying fastest', () => {
    const runs = expandRuns({ ...baseConfig(), sweep: { 'train.lr': [0.1, 0.2, 0.3], 'init.std': [0.01, 0.02] } });
    expect(runs.map((run) => run.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(runs.map((run) => run.overrides)).toEqual([
      { 'train.lr': 0.1, 'init.std': 0.01 },
      { 'train.lr': 0.1, 'init.std': 0.02 },
      { 'train.lr': 0.2, 'init.std': 0.01 },
      { 'train.lr': 0.2, 'init.std': 0.02 },
      { 'train.lr': 0.3, 'init.std': 0.01 },
      { 'train.lr': 0.3, 'init.std': 0.02 },
    ]);
    expect(runs.map((run) => [run.config.train.lr, run.config.init.std])).toEqual(
      runs.map((run) => [run.overrides['train.lr'], run.overrides['init.std']]),
    );
  });

  it('replicates every point `seeds` times from the base init seed, seeds fastest', () => {
    const runs = expandRuns({ ...baseConfig(), seeds: 3, sweep: { 'train.lr': [0.1, 0.2] } });
    expect(runs).toHaveLength(6);
    expect(runs.map((run) => run.config.init.seed)).toEqual([2, 3, 4, 2, 3, 4]);
    expect(runs.map((run) => run.config.train.lr)).toEqual([0.1, 0.1, 0.1, 0.2, 0.2, 0.2]);
    expect(runs[4]!.overrides).toEqual({ 'train.lr': 0.2, 'init.seed': 3 });
    expect(runs.map((run) => run.id)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('replicates from init seed 0 when none is given', () => {
    const config = edited(baseConfig(), { 'init.seed': undefined, seeds: 2 }) as unknown as Config;
    expect(expandRuns(config).map((run) => run.overrides)).toEqual([{ 'init.seed': 0 }, { 'init.seed': 1 }]);
  });

  it('sweeps array-valued fields and fields the base config lacks', () => {
    const withoutStd = edited(baseConfig(), { 'init.std': undefined }) as unknown as Config;
    const runs = expandRuns({
      ...withoutStd,
      sweep: { 'task.target.singularValues': [[3, 2, 1], [1]], 'init.std': [0.5] },
    });
    expect(runs.map((run) => run.config.task.target)).toEqual([
      { rows: 3, cols: 4, singularValues: [3, 2, 1], seed: 5 },
      { rows: 3, cols: 4, singularValues: [1], seed: 5 },
    ]);
    expect(runs.every((run) => run.config.init.std === 0.5)).toBe(true);
  });

  it('does not mutate the config', () => {
    const config = { ...baseConfig(), seeds: 2, sweep: { 'train.lr': [0.1, 0.2] } };
    const before = structuredClone(config);
    expandRuns(config);
    expect(config).toEqual(before);
  });

  it('names the failing combination, at the sweep entry when the bad field is swept', () => {
    const swept = configError(() =>
      expandRuns({ ...baseConfig(), sweep: { 'init.std': [0.1], 'train.lr': [0.1, -1] } }),
    );
    expect(swept.field).toBe('sweep["train.lr"]');
    expect(swept.value).toBe(-1);
    expect(swept.fix).toBe(
      'must be a finite number > 0, e.g. 0.01 (in the sweep combination {"init.std":0.1,"train.lr":-1})',
    );

    const element = configError(() =>
      parseConfig({ ...baseConfig(), sweep: { 'task.target.singularValues': [[1], [1, -2]] } }),
    );
    expect(element.field).toBe('sweep["task.target.singularValues"][1]');

    // A depth-3 balanced network of hidden width 2 breaks SPEC §5 on a field the sweep did not set.
    const config = edited(baseConfig(), {
      ...balanced,
      'network.width': 2,
      'network.depth': 1,
      sweep: { 'network.depth': [1, 3] },
    });
    const unswept = configError(() => parseConfig(config));
    expect(unswept.field).toBe('network.width');
    expect(unswept.fix).toContain('(in the sweep combination {"network.depth":3})');
  });
});

describe('groupBatches', () => {
  const ids = (batches: { id: number }[][]) => batches.map((batch) => batch.map((run) => run.id));

  it('puts an lr × weight decay × init sweep with seeds in one batch', () => {
    const runs = expandRuns({
      ...baseConfig(),
      seeds: 2,
      sweep: {
        'train.lr': [0.01, 0.1],
        'train.weightDecay': [0, 0.1],
        'init.std': [0.1, 1],
        'init.kind': ['gaussian'],
      },
    });
    expect(runs).toHaveLength(16);
    expect(ids(groupBatches(runs))).toEqual([runs.map((run) => run.id)]);
  });

  it('splits a depth sweep into one batch per depth, run order kept, batches by first run', () => {
    const runs = expandRuns({ ...baseConfig(), sweep: { 'train.lr': [0.01, 0.1], 'network.depth': [2, 3] } });
    expect(ids(groupBatches(runs))).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it.each([
    ['record.every', [10, 20]],
    ['train.steps', [10, 20]],
    [
      'task.target.singularValues',
      [
        [3, 2, 1],
        [3, 2, 0.5],
      ],
    ],
    ['loss.scale', [1, 2]],
  ])('splits a sweep over %s', (path, values) => {
    const completion: Config = { ...baseConfig(), task: { ...baseConfig().task, kind: 'completion', observed: 0.5 } };
    expect(groupBatches(expandRuns({ ...completion, sweep: { [path]: values } }))).toHaveLength(2);
  });

  it('keeps task seeds (and observed fractions) in one batch for factorization and completion, one batch each for regression and record.linearized', () => {
    const seeds = { 'task.seed': [0, 1, 2], 'task.target.seed': [3, 4] };
    const fractions = { 'task.observed': [0.3, 0.6] };
    const batches = (config: Config) => groupBatches(expandRuns({ ...config, sweep: seeds })).length;
    const completion: Config = { ...baseConfig(), task: { ...baseConfig().task, kind: 'completion', observed: 0.5 } };
    expect(batches(baseConfig())).toBe(1);
    expect(batches(completion)).toBe(1);
    expect(groupBatches(expandRuns({ ...completion, sweep: { ...seeds, ...fractions } }))).toHaveLength(1);
    expect(batches({ ...completion, record: { ...completion.record, linearized: true } })).toBe(6);
    const regression: Config = { ...baseConfig(), task: { ...baseConfig().task, kind: 'regression', samples: 8 } };
    expect(batches(regression)).toBe(6);
  });

  it('batchKey ignores key order and the per-network fields only', () => {
    const a = resolveConfig(baseConfig());
    const reordered: ResolvedConfig = {
      loss: a.loss,
      record: a.record,
      train: { ...a.train },
      init: a.init,
      widths: a.widths,
      task: a.task,
      name: a.name,
    };
    const perNetwork: ResolvedConfig = {
      ...a,
      init: { kind: 'orthogonal', scale: 3, seed: 9 },
      train: { ...a.train, lr: 5, weightDecay: 1 },
    };
    expect(batchKey(reordered)).toBe(batchKey(a));
    expect(batchKey(perNetwork)).toBe(batchKey(a));
    expect(batchKey({ ...a, train: { ...a.train, divergenceFactor: 2 } })).not.toBe(batchKey(a));
    expect(batchKey({ ...a, name: 'other' })).not.toBe(batchKey(a));
  });
});

describe('setOverride', () => {
  it.each([
    ['train.lr=0.05', 'train.lr', 0.05],
    ['network.widths=[4,8,3]', 'network.widths', [4, 8, 3]],
    ['train.flowDepth=infinity', 'train.flowDepth', 'infinity'],
    ['train.flowDepth="infinity"', 'train.flowDepth', 'infinity'],
    ['record.layers=true', 'record.layers', true],
    ['name=my run', 'name', 'my run'],
    ['loss.scale=2', 'loss.scale', 2],
    [' train.steps =7', 'train.steps', 7],
    ['init={"kind":"orthogonal"}', 'init', { kind: 'orthogonal' }],
    ['sweep={"train.lr":[0.1,0.2]}', 'sweep', { 'train.lr': [0.1, 0.2] }],
  ])('%s', (assignment, path, value) => {
    const config = baseConfig();
    const before = structuredClone(config);
    const result = setOverride(config, assignment) as unknown as Record<string, Record<string, unknown>>;
    const [section, key] = path.split('.');
    expect(key === undefined ? result[section!] : result[section!]![key]).toEqual(value);
    expect(config).toEqual(before);
  });

  it('removes a field with null, so a Gaussian init can switch from std to gain', () => {
    const config = setOverride(setOverride(baseConfig(), 'init.std=null'), 'init.gain=1');
    expect(config.init).toEqual({ kind: 'gaussian', seed: 2, gain: 1 });
    expect(parseConfig(config)).toBe(config);
  });

  it('produces a config that expands like a written one', () => {
    expect(expandRuns(setOverride(baseConfig(), 'sweep={"train.lr":[0.1,0.2]}'))).toHaveLength(2);
  });

  it.each([
    ['train.lr', '--set', 'write --set path=value'],
    ['=3', '--set', 'write --set path=value'],
    ['train.lrr=1', '--set', 'did you mean `train.lr`?'],
    ['trian.lr=1', '--set', 'did you mean `train.lr`?'],
    ['train.lr.x=1', '--set', '`train.lr` has no fields'],
  ])('rejects %s', (assignment, field, fix) => {
    const error = configError(() => setOverride(baseConfig(), assignment));
    expect(error.field).toBe(field);
    expect(error.fix).toContain(fix);
  });
});

describe('configFromJson', () => {
  it('parses and validates', () => {
    expect(configFromJson(JSON.stringify(baseConfig()))).toEqual(baseConfig());
    expect(configError(() => configFromJson(JSON.stringify(edited(baseConfig(), { 'train.lr': 0 })))).field).toBe(
      'train.lr',
    );
  });

  it('names the file and the position of a syntax error', () => {
    const error = configError(() => configFromJson('{\n  "task": {,\n}', 'exp.json'));
    expect(error.field).toBe('config');
    expect(error.fix).toContain('exp.json is not valid JSON');
    expect(error.fix).toContain('line 2, column 12');
  });

  // [text, line and column of the first bad character]. V8 (Node 20) names no position for the
  // first two ("Unexpected token …" with a shortened excerpt) and a raw offset for the others.
  it.each([
    ['{\n  "train": {"lr": tru}\n}', 'line 2, column 22'],
    ['{\n  "seeds": [1, 2,],\n  "x": 1\n}', 'line 2, column 18'],
    ['{\n  "name": "a\n  b"\n}', 'line 2, column 13'],
    ['{\n  "record": {"every": 10}\n', 'line 3, column 1'],
  ])('gives the line and column of the error in %j', (text, position) => {
    expect(configError(() => configFromJson(text, 'exp.json')).fix).toContain(`(${position})`);
  });

  it('finds the same offset as V8 wherever V8 names one', () => {
    let compared = 0;
    for (const text of [
      '{"a": 1,}',
      '[1, 2',
      '{"a" 1}',
      '{"a":1} x',
      '"\\u12x4"',
      '"\\x"',
      '"abc',
      '01',
      '-',
      '1.',
      '1e+',
      '{"a": [1, 2}',
      '',
    ]) {
      const reason = configError(() => configFromJson(text)).fix;
      const v8 = /at position (\d+)/.exec(reason)?.[1];
      if (v8 === undefined) continue;
      expect(jsonErrorOffset(text)).toBe(Number(v8));
      compared++;
    }
    expect(compared).toBeGreaterThan(8);
    expect(jsonErrorOffset('[true, false, null, "x\\n\\u00e9", {"b": -0.5e-3}]\n')).toBeUndefined();
  });
});

describe('docs/config.md', () => {
  const docs = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
  const jsonBlocks = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map(
    (match) => JSON.parse(match[1]!) as Record<string, unknown>,
  );
  const examples = jsonBlocks.filter((block) => 'task' in block);

  it('has one valid example per task kind', () => {
    const kinds = examples.map((example) => (example.task as { kind: string }).kind).sort();
    expect(kinds).toEqual(['completion', 'factorization', 'regression', 'sensing']);
    for (const example of examples) expect(expandRuns(example as unknown as Config).length).toBeGreaterThan(0);
  });

  it('quotes error messages exactly as produced', () => {
    const unknownKey = configError(() => parseConfig(edited(baseConfig(), { 'train.weight_decay': 0.01 })));
    const mismatch = configError(() => parseConfig(edited(baseConfig(), { network: { widths: [4, 6, 5] } })));
    const combination = configError(() => parseConfig({ ...baseConfig(), sweep: { 'train.lr': [-1] } }));
    expect(docs).toContain(unknownKey.message);
    expect(docs).toContain(mismatch.message);
    expect(docs).toContain(combination.message);
  });
});
