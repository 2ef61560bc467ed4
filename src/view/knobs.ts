/**
 * The handful of config fields a person turns while watching (task, target spectrum, depth,
 * width, init, learning rate, …), each read from and written into a Config as text. The demo's form
 * and the <dln-sim> element's attributes are both these knobs, so they name and parse fields alike.
 * Writes take a valid config (parseConfig accepted it) and return new ones (never mutate), kept
 * valid where one field implies another: switching the task kind adds what the new kind needs and
 * drops what only the old one used.
 */
import type { Config, InitKind, SvdAlgorithm, TaskKind } from '../config/types.js';
import { DEFAULTS } from '../config/defaults.js';
import { withValue } from '../config/schema.js';
import { ConfigError, invariant } from '../errors.js';

export interface Knob {
  /** Attribute of <dln-sim> and field of the demo form. */
  name: string;
  label: string;
  /** What the field holds, for a form's input type and for parsing. */
  type: 'choice' | 'integer' | 'number' | 'list' | 'size';
  choices?: readonly string[];
  /** The config path written, for error messages and docs. */
  path: string;
  read(config: Config): string | undefined;
  write(config: Config, text: string): Config;
}

export const TASK_KINDS: readonly TaskKind[] = ['factorization', 'completion', 'regression', 'sensing'];
export const INIT_KINDS: readonly InitKind[] = ['gaussian', 'orthogonal', 'balanced'];
export const SVD_ALGORITHMS: readonly SvdAlgorithm[] = ['bisection', 'jacobi'];

function number(text: string, field: string, integer = false): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new ConfigError(
      field,
      text,
      integer ? 'must be a whole number, e.g. 3' : 'must be a number, e.g. 0.05 or 1e-3',
    );
  }
  return value;
}

function numbers(text: string, field: string): number[] {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0)
    throw new ConfigError(field, text, 'give the singular values separated by commas, e.g. 4, 2, 1, 0.5');
  return parts.map((p) => number(p, field));
}

/** The field a Gaussian init's scale lives in: `std` unless the config uses `gain`. */
function scalePath(config: Config): 'init.std' | 'init.gain' | 'init.scale' {
  if (config.init.kind !== 'gaussian') return 'init.scale';
  return config.init.gain !== undefined ? 'init.gain' : 'init.std';
}

function targetShape(config: Config): { rows: number; cols: number } | undefined {
  const target = config.task.target;
  return 'matrix' in target ? undefined : { rows: target.rows, cols: target.cols };
}

/** Depth and hidden width of either network form (width = the widest hidden layer). */
function depthAndWidth(config: Config): { depth: number; width: number } {
  const network = config.network;
  if ('depth' in network) return network;
  const hidden = network.widths.slice(1, -1);
  return { depth: network.widths.length - 1, width: hidden.length > 0 ? Math.max(...hidden) : network.widths[0]! };
}

function withNetwork(config: Config, change: Partial<{ depth: number; width: number }>): Config {
  return { ...config, network: { ...depthAndWidth(config), ...change } };
}

/** What each task kind needs beyond the target, given a target of `rows` × `cols`. */
function kindFields(kind: TaskKind, rows: number, cols: number): Record<string, unknown> {
  switch (kind) {
    case 'factorization':
      return {};
    case 'completion':
      return { observed: 0.5 };
    case 'regression':
      return { samples: 4 * cols, noise: 0 };
    case 'sensing':
      return { measurements: Math.ceil(0.6 * rows * cols) };
  }
}

const KIND_ONLY_FIELDS = ['observed', 'mask', 'samples', 'noise', 'measurements'];

export const KNOBS: readonly Knob[] = [
  {
    name: 'task',
    label: 'task',
    type: 'choice',
    choices: TASK_KINDS,
    path: 'task.kind',
    read: (c) => c.task.kind,
    write(config, text) {
      const kind = text.trim() as TaskKind;
      if (!TASK_KINDS.includes(kind))
        throw new ConfigError('task.kind', text, `must be one of ${TASK_KINDS.join(', ')}`);
      if (kind === config.task.kind) return config;
      const shape = targetShape(config) ?? { rows: 4, cols: 4 };
      const task: Record<string, unknown> = { ...config.task, kind };
      for (const key of KIND_ONLY_FIELDS) delete task[key];
      return { ...config, task: { ...task, ...kindFields(kind, shape.rows, shape.cols) } as unknown as Config['task'] };
    },
  },
  {
    name: 'size',
    label: 'target size',
    type: 'size',
    path: 'task.target.rows, task.target.cols',
    read: (c) => {
      const shape = targetShape(c);
      return shape && (shape.rows === shape.cols ? String(shape.rows) : `${shape.rows}x${shape.cols}`);
    },
    write(config, text) {
      const shape = targetShape(config);
      if (!shape)
        throw new ConfigError(
          'task.target',
          'matrix',
          'an explicit matrix target has its own size; edit the matrix instead',
        );
      const match = /^\s*(\d+)\s*(?:[x×*]\s*(\d+))?\s*$/i.exec(text);
      if (!match) throw new ConfigError('task.target.rows', text, 'write n for an n×n target or RxC, e.g. 6 or 8x4');
      const rows = Number(match[1]);
      const cols = Number(match[2] ?? match[1]);
      const target = config.task.target as { singularValues: number[] };
      let next = withValue(config, 'task.target.rows', rows);
      next = withValue(next, 'task.target.cols', cols);
      // Keep the spectrum valid: at most min(rows, cols) values.
      return withValue(next, 'task.target.singularValues', target.singularValues.slice(0, Math.min(rows, cols)));
    },
  },
  {
    name: 'target',
    label: 'target singular values',
    type: 'list',
    path: 'task.target.singularValues',
    read: (c) => ('matrix' in c.task.target ? undefined : c.task.target.singularValues.join(', ')),
    write(config, text) {
      if ('matrix' in config.task.target)
        throw new ConfigError('task.target', 'matrix', 'an explicit matrix target has no spectrum to set');
      return withValue(config, 'task.target.singularValues', numbers(text, 'task.target.singularValues'));
    },
  },
  {
    name: 'depth',
    label: 'depth N',
    type: 'integer',
    path: 'network.depth',
    read: (c) => String(depthAndWidth(c).depth),
    write: (c, text) => withNetwork(c, { depth: number(text, 'network.depth', true) }),
  },
  {
    name: 'width',
    label: 'hidden width',
    type: 'integer',
    path: 'network.width',
    read: (c) => String(depthAndWidth(c).width),
    write: (c, text) => withNetwork(c, { width: number(text, 'network.width', true) }),
  },
  {
    name: 'init',
    label: 'initialisation',
    type: 'choice',
    choices: INIT_KINDS,
    path: 'init.kind',
    read: (c) => c.init.kind,
    write(config, text) {
      const kind = text.trim() as InitKind;
      if (!INIT_KINDS.includes(kind))
        throw new ConfigError('init.kind', text, `must be one of ${INIT_KINDS.join(', ')}`);
      if (kind === config.init.kind) return config;
      // Carry the scale over to the new kind's field, so switching kinds keeps the init's size.
      const scale = config.init[scalePath(config).slice(5) as 'std' | 'gain' | 'scale'] ?? 0.1;
      const init = { kind, seed: config.init.seed, [kind === 'gaussian' ? 'std' : 'scale']: scale };
      if (init.seed === undefined) delete init.seed;
      return { ...config, init };
    },
  },
  {
    name: 'init-scale',
    label: 'init scale',
    type: 'number',
    path: 'init.std | init.gain | init.scale',
    read: (c) => {
      const value = c.init[scalePath(c).slice(5) as 'std' | 'gain' | 'scale'];
      return value === undefined ? undefined : String(value);
    },
    write: (c, text) => withValue(c, scalePath(c), number(text, scalePath(c))),
  },
  {
    name: 'lr',
    label: 'learning rate η',
    type: 'number',
    path: 'train.lr',
    read: (c) => String(c.train.lr),
    write: (c, text) => withValue(c, 'train.lr', number(text, 'train.lr')),
  },
  {
    name: 'weight-decay',
    label: 'weight decay λ',
    type: 'number',
    path: 'train.weightDecay',
    read: (c) => String(c.train.weightDecay ?? 0),
    write: (c, text) => withValue(c, 'train.weightDecay', number(text, 'train.weightDecay')),
  },
  {
    name: 'steps',
    label: 'steps',
    type: 'integer',
    path: 'train.steps',
    read: (c) => String(c.train.steps),
    write: (c, text) => withValue(c, 'train.steps', number(text, 'train.steps', true)),
  },
  {
    name: 'record-every',
    label: 'record every',
    type: 'integer',
    path: 'record.every',
    read: (c) => String(c.record.every),
    write: (c, text) => withValue(c, 'record.every', number(text, 'record.every', true)),
  },
  {
    name: 'svd',
    label: 'spectra by',
    type: 'choice',
    choices: SVD_ALGORITHMS,
    path: 'record.svd',
    read: (c) => c.record.svd ?? DEFAULTS.record.svd,
    write(config, text) {
      const svd = text.trim() as SvdAlgorithm;
      if (!SVD_ALGORITHMS.includes(svd))
        throw new ConfigError('record.svd', text, `must be one of ${SVD_ALGORITHMS.join(', ')}`);
      return withValue(config, 'record.svd', svd);
    },
  },
  {
    name: 'seeds',
    label: 'seeds',
    type: 'integer',
    path: 'seeds',
    read: (c) => String(c.seeds ?? 1),
    write: (c, text) => withValue(c, 'seeds', number(text, 'seeds', true)),
  },
];

export function knob(name: string): Knob {
  const found = KNOBS.find((k) => k.name === name);
  invariant(found, () => `no knob named ${name}`);
  return found;
}

/** Which of the Gaussian/orthogonal/balanced scale fields the init-scale knob edits, for labels. */
export function initScaleField(config: Config): string {
  return scalePath(config).slice(5);
}
