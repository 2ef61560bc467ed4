/**
 * Config validation: checkConfig validates one config without a sweep (sweep.ts checks every
 * combination of one). Every rule lives here and throws a ConfigError naming the field's dotted
 * path and the fix; docs/config.md describes the same rules for users. Keys are checked against
 * schema.ts, numbers through checks.ts.
 */
import { ConfigError } from '../errors.js';
import { DEFAULTS } from './defaults.js';
import { checkMatrix, checkNumber, checkNumbers, type NumberRule, Section } from './checks.js';
import { networkWidths, type Shape, targetShape } from './shape.js';
import { checkKeys } from './schema.js';
import type { InitKind, TargetSpec, TaskKind, TrainConfig } from './types.js';

type Json = Record<string, unknown>;
type Method = NonNullable<TrainConfig['method']>;

const TASK_KINDS: readonly TaskKind[] = ['factorization', 'completion', 'regression', 'sensing'];
const INIT_KINDS: readonly InitKind[] = ['gaussian', 'orthogonal', 'balanced'];
/** The task fields that only some task kinds read; on any other kind they would be silently ignored. */
const TASK_KIND_FIELDS: Record<string, readonly TaskKind[]> = {
  observed: ['completion'],
  mask: ['completion'],
  samples: ['regression'],
  noise: ['regression', 'factorization'],
  testSamples: ['regression', 'sensing'],
  measurements: ['sensing'],
};
/** The init fields that only some init kinds read. */
const INIT_KIND_FIELDS: Record<string, readonly InitKind[]> = {
  std: ['gaussian'],
  gain: ['gaussian'],
  gamma: ['gaussian'],
  scale: ['orthogonal', 'balanced'],
  aligned: ['balanced'],
};

const SEED: NumberRule = { integer: true, min: 0, example: 0 };
const WIDTH: NumberRule = { integer: true, min: 1, example: 16 };
/**
 * The deepest layered network: each layer is a dispatch and a buffer, so a depth past this is a
 * typo, not an experiment (and would make the host allocate per-layer arrays without bound).
 * Deeper is the flow's job: train.method "flow" takes any train.flowDepth, or "infinity".
 */
export const MAX_DEPTH = 1024;
const DEEPER = `the depth is at most ${MAX_DEPTH}; for deeper networks train with train.method "flow" and train.flowDepth (any N, or "infinity")`;

/** Validates one config without a sweep; sections are checked in the order users read them. */
export function checkConfig(config: Json): void {
  checkKeys(config, '');
  if (config.name !== undefined && (typeof config.name !== 'string' || config.name === '')) {
    throw new ConfigError('name', config.name, 'must be a non-empty string, e.g. "depth-sweep"');
  }
  const target = checkTask(config.task);
  checkInit(config.init, checkNetwork(config.network, target));
  const method = checkTrain(config.train);
  checkRecord(config.record, method);
  checkLinearized(config, method);
  if (config.loss !== undefined)
    new Section(config.loss, 'loss', '{"scale": 1}').optionalNumber('scale', { above: 0, example: 2 });
  if (config.seeds !== undefined) checkNumber(config.seeds, 'seeds', { integer: true, min: 1, example: 3 });
}

function checkTask(value: unknown): Shape {
  const task = new Section(
    value,
    'task',
    '{"kind": "factorization", "target": {"rows": 4, "cols": 4, "singularValues": [3, 2, 1]}}',
  );
  const kind = task.choice('kind', TASK_KINDS);
  const target = checkTarget(task.values.target);
  for (const [key, owners] of Object.entries(TASK_KIND_FIELDS)) {
    if (!owners.includes(kind))
      task.forbid(key, `only ${owners.join(' and ')} tasks use \`${key}\`; remove it from this ${kind} task`);
  }
  task.optionalNumber('seed', SEED);
  switch (kind) {
    case 'factorization':
      task.optionalNumber('noise', { min: 0, example: 0.1 });
      break;
    case 'completion':
      checkCompletion(task, target);
      break;
    case 'regression':
      task.number('samples', { integer: true, min: 1, example: 100 });
      task.optionalNumber('noise', { min: 0, example: 0.1 });
      task.optionalNumber('testSamples', { integer: true, min: 1, example: 100 });
      break;
    case 'sensing':
      task.number('measurements', { integer: true, min: 1, example: 200 });
      task.optionalNumber('testSamples', { integer: true, min: 1, example: 200 });
      break;
  }
  return target;
}

function checkTarget(value: unknown): Shape {
  const target = new Section(value, 'task.target', '{"rows": 4, "cols": 4, "singularValues": [3, 2, 1]}');
  if (target.has('matrix')) {
    for (const key of ['rows', 'cols', 'singularValues', 'seed', 'aligned']) {
      target.forbid(key, "an explicit `matrix` target takes no other fields (its shape is the matrix's); remove it");
    }
    checkMatrix(target.values.matrix, 'task.target.matrix', (entry, field) =>
      checkNumber(entry, field, { example: 1 }),
    );
  } else {
    const rows = target.number('rows', WIDTH);
    const cols = target.number('cols', WIDTH);
    const values = checkNumbers(target.values.singularValues, 'task.target.singularValues', { min: 0, example: 1 });
    const most = Math.min(rows, cols);
    if (values.length > most) {
      throw new ConfigError(
        'task.target.singularValues',
        values,
        `has ${values.length} values but a ${rows}×${cols} target has at most min(rows, cols) = ${most}; remove ${values.length - most}`,
      );
    }
    if (target.has('aligned')) {
      if (target.values.aligned !== true) {
        throw new ConfigError(
          'task.target.aligned',
          target.values.aligned,
          'must be true (a diagonal target, U = V = I); remove it for a Haar-random target',
        );
      }
      target.forbid('seed', 'an aligned target is diagonal and draws nothing at random; remove `seed`');
    }
    target.optionalNumber('seed', SEED);
  }
  return targetShape(target.values as unknown as TargetSpec);
}

function checkCompletion(task: Section, target: Shape): void {
  const either =
    "exactly one of `observed` (the fraction of entries a random mask reveals, e.g. 0.5) or `mask` (a 0/1 matrix of the target's shape)";
  if (task.has('observed') && task.has('mask'))
    throw new ConfigError('task.mask', task.values.mask, `give ${either}; remove one`);
  if (!task.has('mask')) {
    if (!task.has('observed'))
      throw new ConfigError('task.observed', undefined, `missing; a completion task needs ${either}`);
    task.number('observed', { above: 0, max: 1, example: 0.5 });
    return;
  }
  const mask = checkMatrix(task.values.mask, 'task.mask', (entry, field) => {
    if (entry !== 0 && entry !== 1) throw new ConfigError(field, entry, 'must be 0 (hidden) or 1 (observed)');
  });
  if (mask.rows !== target.rows || mask.cols !== target.cols) {
    throw new ConfigError(
      'task.mask',
      `${mask.rows}×${mask.cols}`,
      `must have the target's shape ${target.rows}×${target.cols}`,
    );
  }
  if (!(task.values.mask as number[][]).some((row) => row.includes(1))) {
    throw new ConfigError('task.mask', task.values.mask, 'observes no entry; set at least one entry to 1');
  }
}

/** The network's widths, and the field a user edits to change hidden width i (for errors about it). */
interface CheckedNetwork {
  widths: number[];
  hiddenField: (i: number) => string;
}

function checkNetwork(value: unknown, target: Shape): CheckedNetwork {
  const network = new Section(value, 'network', '{"depth": 3, "width": 16}');
  if (network.has('widths')) {
    for (const key of ['depth', 'width'])
      network.forbid(key, 'give either `widths` or `depth` and `width`, not both; remove one');
    const widths = checkNumbers(network.values.widths, 'network.widths', WIDTH);
    const last = widths.length - 1;
    if (last < 1)
      throw new ConfigError(
        'network.widths',
        widths,
        'needs at least 2 entries [n_0, …, n_N] (depth N = length − 1), e.g. [4, 16, 4]',
      );
    if (last > MAX_DEPTH) throw new ConfigError('network.widths', `${widths.length} entries`, DEEPER);
    if (widths[0] !== target.cols) {
      throw new ConfigError(
        'network.widths[0]',
        widths[0],
        `the input width n_0 must equal the target's column count ${target.cols}; set it to ${target.cols}`,
      );
    }
    if (widths[last] !== target.rows) {
      throw new ConfigError(
        `network.widths[${last}]`,
        widths[last],
        `the output width n_N must equal the target's row count ${target.rows}; set it to ${target.rows}`,
      );
    }
    return { widths, hiddenField: (i) => `network.widths[${i}]` };
  }
  if (!network.has('depth') && !network.has('width')) {
    throw new ConfigError(
      'network',
      value,
      'give {"depth": N, "width": n} (n_0 and n_N follow the target) or {"widths": [n_0, …, n_N]}',
    );
  }
  const depth = network.number('depth', { integer: true, min: 1, example: 3 });
  if (depth > MAX_DEPTH) throw new ConfigError('network.depth', depth, DEEPER);
  const width = network.number('width', WIDTH);
  return { widths: networkWidths({ depth, width }, target), hiddenField: () => 'network.width' };
}

function checkInit(value: unknown, network: CheckedNetwork): void {
  const init = new Section(value, 'init', '{"kind": "gaussian", "std": 0.1}');
  const kind = init.choice('kind', INIT_KINDS);
  for (const [key, owners] of Object.entries(INIT_KIND_FIELDS)) {
    if (!owners.includes(kind))
      init.forbid(key, `${kind} init does not use \`${key}\` (only ${owners.join(' and ')} init does); remove it`);
  }
  init.optionalNumber('seed', SEED);
  switch (kind) {
    case 'gaussian': {
      const either =
        "give exactly one of `std` (the entries' std, e.g. 0.1), `gain` (std = gain/√fan-in, e.g. 1) or `gamma` (variance w^−gamma, w the hidden width, e.g. 1.5)";
      const given = ['std', 'gain', 'gamma'].filter((key) => init.has(key));
      if (given.length > 1)
        throw new ConfigError(`init.${given[1]}`, init.values[given[1]!], `${either}; remove all but one`);
      if (given.length === 0) throw new ConfigError('init.std', undefined, `missing; ${either}`);
      init.optionalNumber('std', { above: 0, example: 0.1 });
      init.optionalNumber('gain', { above: 0, example: 1 });
      if (init.optionalNumber('gamma', { min: 0, example: 1.5 }) !== undefined) checkGammaWidths(network);
      break;
    }
    case 'orthogonal':
      init.optionalNumber('scale', { above: 0, example: 1 });
      break;
    case 'balanced':
      init.number('scale', { above: 0, example: 0.1 });
      init.optionalBoolean('aligned');
      checkBalancedWidths(network);
      break;
  }
}

/** init.gamma ties the variance to one hidden width w, so the hidden layers must all have it (docs/config.md). */
function checkGammaWidths({ widths, hiddenField }: CheckedNetwork): void {
  if (widths.length < 3)
    throw new ConfigError(
      'init.gamma',
      widths.length - 1,
      'needs a hidden layer (depth ≥ 2), whose width w sets the variance w^−gamma; use init.std at depth 1',
    );
  for (let i = 2; i < widths.length - 1; i++) {
    if (widths[i] !== widths[1]) {
      throw new ConfigError(
        hiddenField(i),
        widths[i],
        `init.gamma sets the variance w^−gamma from one hidden width, and n_1 = ${widths[1]}; make every hidden width equal, or use init.std`,
      );
    }
  }
}

/** SPEC §5: a balanced factorisation of W(0) passes every hidden layer, so each must be ≥ its rank. */
function checkBalancedWidths({ widths, hiddenField }: CheckedNetwork): void {
  const needed = Math.min(widths[0]!, widths[widths.length - 1]!);
  for (let i = 1; i < widths.length - 1; i++) {
    if (widths[i]! < needed) {
      throw new ConfigError(
        hiddenField(i),
        widths[i],
        `balanced init needs every hidden width ≥ min(n_0, n_N) = ${needed} (SPEC §5); widen it to at least ${needed} or use another init kind`,
      );
    }
  }
}

/** Returns the training method, which decides what may be recorded. */
function checkTrain(value: unknown): Method {
  const train = new Section(value, 'train', '{"lr": 0.01, "steps": 1000}');
  train.number('lr', { above: 0, example: 0.01 });
  train.number('steps', { integer: true, min: 0, example: 1000 });
  train.optionalNumber('weightDecay', { min: 0, example: 0.001 });
  const method = train.optionalChoice('method', ['layers', 'flow'] as const) ?? DEFAULTS.train.method;
  if (method === 'flow') {
    const flowDepth = train.values.flowDepth;
    if (
      flowDepth !== undefined &&
      flowDepth !== 'infinity' &&
      !(Number.isSafeInteger(flowDepth) && (flowDepth as number) >= 1)
    ) {
      throw new ConfigError(
        'train.flowDepth',
        flowDepth,
        'must be an integer ≥ 1 or "infinity" (the depth-normalised N → ∞ limit, SPEC §6), e.g. 3',
      );
    }
    train.optionalNumber('flowThreshold', { above: 0, below: 1, example: DEFAULTS.train.flowThreshold });
  } else {
    for (const key of ['flowDepth', 'flowThreshold'])
      train.forbid(key, `only train.method "flow" uses \`${key}\`; remove it or set train.method to "flow"`);
  }
  train.optionalChoice('integrator', ['euler', 'rk4'] as const);
  train.optionalNumber('divergenceFactor', { above: 1, example: 1e6 });
  const kernel = train.optionalChoice('kernel', ['auto', 'fused', 'layered'] as const);
  if (kernel !== undefined && kernel !== 'auto' && method === 'flow') {
    throw new ConfigError(
      'train.kernel',
      kernel,
      'chooses the step kernel of train.method "layers"; the flow has one path — remove train.kernel or set it to "auto"',
    );
  }
  return method;
}

function checkRecord(value: unknown, method: Method): void {
  const record = new Section(value, 'record', '{"every": 10}');
  record.number('every', { integer: true, min: 1, example: 10 });
  record.optionalChoice('spectra', ['gpu', 'exact', 'none'] as const);
  record.optionalChoice('svd', ['bisection', 'jacobi'] as const);
  if (record.optionalBoolean('layers') && method === 'flow') {
    throw new ConfigError(
      'record.layers',
      true,
      'the flow (train.method "flow") trains the end-to-end W and has no layers to record; set record.layers to false, or train.method to "layers"',
    );
  }
  record.optionalBoolean('matrices');
  record.optionalNumber('rankTolerance', { above: 0, below: 1, example: 0.001 });
}

/** The frozen-NTK model linearises the layer map of an unregularised run (docs/analysis.md, "Lazy deviation"). */
function checkLinearized(config: Json, method: Method): void {
  if (!new Section(config.record, 'record', '{"every": 10}').optionalBoolean('linearized')) return;
  if (method === 'flow') {
    throw new ConfigError(
      'record.linearized',
      true,
      'the flow (train.method "flow") has no layers whose tangent kernel could be frozen; set record.linearized to false, or train.method to "layers"',
    );
  }
  const weightDecay = (config.train as Json).weightDecay;
  if (typeof weightDecay === 'number' && weightDecay > 0) {
    throw new ConfigError(
      'train.weightDecay',
      weightDecay,
      'record.linearized compares with the linearised model of the unregularised loss; set train.weightDecay to 0, or record.linearized to false',
    );
  }
}
