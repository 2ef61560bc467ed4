/**
 * The shape of a config as a tree of allowed keys: the one list that unknown-key errors, sweep keys
 * and `--set` paths are checked against, so the three can never disagree. Which keys a given task
 * or init kind may use is validate.ts's business; here every key that any kind uses is allowed.
 */
import { ConfigError, invariant } from '../errors.js';

interface KeyTree {
  readonly [key: string]: KeyTree | 'leaf';
}

const CONFIG_KEYS: KeyTree = {
  name: 'leaf',
  task: {
    kind: 'leaf',
    target: { rows: 'leaf', cols: 'leaf', singularValues: 'leaf', seed: 'leaf', aligned: 'leaf', matrix: 'leaf' },
    observed: 'leaf',
    mask: 'leaf',
    samples: 'leaf',
    noise: 'leaf',
    testSamples: 'leaf',
    measurements: 'leaf',
    seed: 'leaf',
  },
  network: { depth: 'leaf', width: 'leaf', widths: 'leaf' },
  init: { kind: 'leaf', std: 'leaf', gain: 'leaf', scale: 'leaf', aligned: 'leaf', seed: 'leaf', gamma: 'leaf' },
  train: {
    lr: 'leaf',
    steps: 'leaf',
    weightDecay: 'leaf',
    method: 'leaf',
    flowDepth: 'leaf',
    flowThreshold: 'leaf',
    integrator: 'leaf',
    divergenceFactor: 'leaf',
    kernel: 'leaf',
  },
  record: {
    every: 'leaf',
    spectra: 'leaf',
    svd: 'leaf',
    layers: 'leaf',
    matrices: 'leaf',
    rankTolerance: 'leaf',
    linearized: 'leaf',
  },
  loss: { scale: 'leaf' },
  seeds: 'leaf',
  // A leaf here: its keys are config paths, checked by checkPath.
  sweep: 'leaf',
};

/** Top-level fields that describe the whole experiment, so sweeping them means nothing. */
const NOT_SWEEPABLE = new Set(['name', 'seeds', 'sweep']);

/** Names people bring from other codes, mapped to ours (keys compared lower-case, without _ and -). */
const SYNONYMS: Record<string, string> = {
  learningrate: 'lr',
  eta: 'lr',
  wd: 'weightDecay',
  decay: 'weightDecay',
  iterations: 'steps',
  iters: 'steps',
  epochs: 'steps',
};

const normalise = (key: string) => key.toLowerCase().replace(/[_\-\s]/g, '');

/** The allowed key closest to `key` (case, `_` and `-` ignored), if any is close enough to be a typo. */
function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  const wanted = normalise(key);
  const synonym = SYNONYMS[wanted];
  if (synonym !== undefined && allowed.includes(synonym)) return synonym;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = editDistance(wanted, normalise(candidate));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(1, Math.floor(wanted.length / 3)) ? best : undefined;
}

/** Optimal-string-alignment distance: edits plus adjacent swaps, the common typos. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

function subtree(path: string): KeyTree {
  let node: KeyTree | 'leaf' = CONFIG_KEYS;
  for (const key of path ? path.split('.') : []) node = node === 'leaf' ? 'leaf' : (node[key] ?? 'leaf');
  invariant(node !== 'leaf', () => `schema: ${path} is not a section`);
  return node;
}

/** Throws on the first key of `object` (the section at `path`, '' for the root) that the schema lacks. */
export function checkKeys(object: Record<string, unknown>, path: string): void {
  const allowed = Object.keys(subtree(path));
  for (const key of Object.keys(object)) {
    if (allowed.includes(key)) continue;
    const suggestion = didYouMean(key, allowed);
    const hint = suggestion === undefined ? '' : ` did you mean \`${suggestion}\`?`;
    const where = path ? `\`${path}\`` : 'a config';
    // A key that a dotted path cannot spell (empty, with dots, spaces or quotes) is named as in sweeps: `train[""]`.
    const field = /^[^.\s`"[\]]+$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
    throw new ConfigError(field, object[key], `unknown key;${hint} the keys of ${where} are: ${allowed.join(', ')}`);
  }
}

/**
 * Checks that a dotted path names a config field (a leaf only, and not a whole-experiment field,
 * when `sweepable`); errors carry `field` and suggest the closest path.
 */
export function checkPath(path: string, field: string, sweepable: boolean): void {
  const keys = path.split('.');
  let node: KeyTree | 'leaf' = CONFIG_KEYS;
  for (const [i, key] of keys.entries()) {
    const next: KeyTree | 'leaf' | undefined = node === 'leaf' ? undefined : node[key];
    if (next === undefined) {
      const parent = keys.slice(0, i).join('.');
      const allowed = node === 'leaf' ? [] : Object.keys(node);
      const suggestion = closestPath(keys);
      const hint = suggestion === undefined ? '' : ` did you mean \`${suggestion}\`?`;
      const list =
        allowed.length > 0
          ? ` the keys ${parent ? `of \`${parent}\`` : 'at the top level'} are: ${allowed.join(', ')}`
          : ` \`${parent}\` has no fields`;
      throw new ConfigError(field, path, `\`${path}\` is not a config path;${hint}${list}`);
    }
    node = next;
  }
  if (sweepable && (node !== 'leaf' || NOT_SWEEPABLE.has(path))) {
    throw new ConfigError(
      field,
      path,
      `a sweep varies single fields such as "train.lr" or "init.std"; \`${path}\` is ${node === 'leaf' ? 'a whole-experiment field' : 'a section'}`,
    );
  }
}

/** The existing path nearest to `keys`, each segment corrected on its own (`trian.lrr` → `train.lr`). */
function closestPath(keys: readonly string[]): string | undefined {
  const corrected: string[] = [];
  let node: KeyTree | 'leaf' = CONFIG_KEYS;
  for (const key of keys) {
    if (node === 'leaf') return undefined;
    const match: string | undefined = key in node ? key : didYouMean(key, Object.keys(node));
    if (match === undefined) return undefined;
    corrected.push(match);
    node = node[match]!;
  }
  return corrected.join('.');
}

/** A copy of `root` with the dotted path set to `value` (removed when undefined); sections on the way are copied, never mutated. */
export function withValue<T extends object>(root: T, path: string, value: unknown): T {
  const [key, ...rest] = path.split('.');
  const copy: Record<string, unknown> = { ...(root as Record<string, unknown>) };
  if (rest.length > 0) {
    const child = copy[key!];
    copy[key!] = withValue(isPlainObject(child) ? child : {}, rest.join('.'), value);
  } else if (value === undefined) {
    delete copy[key!];
  } else {
    copy[key!] = value;
  }
  return copy as T;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
