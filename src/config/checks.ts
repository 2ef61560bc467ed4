/**
 * Field-level checks that turn a bad value into a ConfigError naming the field's dotted path and
 * saying what to write instead. validate.ts composes them into the config's rules.
 */
import { ConfigError } from '../errors.js';
import { checkKeys, isPlainObject } from './schema.js';

/** What a number must be; the error's fix is written from it, so each rule carries an example. */
export interface NumberRule {
  integer?: boolean;
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound */
  above?: number;
  /** inclusive upper bound */
  max?: number;
  /** exclusive upper bound */
  below?: number;
  example: number;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const lower = rule.min !== undefined ? `≥ ${rule.min}` : rule.above !== undefined ? `> ${rule.above}` : undefined;
  const upper = rule.max !== undefined ? `≤ ${rule.max}` : rule.below !== undefined ? `< ${rule.below}` : undefined;
  const range = [lower, upper].filter((bound) => bound !== undefined).join(' and ');
  return `${kind}${range ? ` ${range}` : ''}, e.g. ${rule.example}`;
}

export function checkNumber(value: unknown, field: string, rule: NumberRule): number {
  if (value === undefined) throw new ConfigError(field, value, `missing; give ${describeRule(rule)}`);
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isSafeInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.below === undefined || value < rule.below);
  if (!ok) throw new ConfigError(field, value, `must be ${describeRule(rule)}`);
  return value;
}

/** A non-empty array of numbers, each checked as `field[i]`. */
export function checkNumbers(value: unknown, field: string, rule: NumberRule): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(field, value, `must be a non-empty array of numbers, each ${describeRule(rule)}`);
  }
  return value.map((entry, i) => checkNumber(entry, `${field}[${i}]`, rule));
}

/** A rectangular, non-empty array of rows whose entries pass `checkEntry`; returns its shape. */
export function checkMatrix(
  value: unknown,
  field: string,
  checkEntry: (entry: unknown, field: string) => void,
): { rows: number; cols: number } {
  const shapeFix = 'must be a non-empty array of equally long, non-empty rows, e.g. [[1, 0], [0, 1]]';
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(field, value, shapeFix);
  const first: unknown = value[0];
  const cols = Array.isArray(first) ? first.length : 0;
  value.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length === 0) throw new ConfigError(`${field}[${i}]`, row, shapeFix);
    if (row.length !== cols)
      throw new ConfigError(
        `${field}[${i}]`,
        row,
        `has ${row.length} entries but row 0 has ${cols}; every row needs the same length`,
      );
    row.forEach((entry: unknown, j) => checkEntry(entry, `${field}[${i}][${j}]`));
  });
  return { rows: value.length, cols };
}

/**
 * One object of the config (a section, or the target) at a dotted path: checked to be an object
 * with only known keys, with per-key checks whose errors name `path.key`.
 */
export class Section {
  readonly values: Record<string, unknown>;

  constructor(
    value: unknown,
    readonly path: string,
    example: string,
  ) {
    if (value === undefined) throw new ConfigError(path, value, `missing; add it, e.g. ${example}`);
    if (!isPlainObject(value)) throw new ConfigError(path, value, `must be an object, e.g. ${example}`);
    checkKeys(value, path);
    this.values = value;
  }

  field(key: string): string {
    return `${this.path}.${key}`;
  }

  /** Present means defined: a typed object may carry `key: undefined`, which JSON cannot. */
  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  number(key: string, rule: NumberRule): number {
    return checkNumber(this.values[key], this.field(key), rule);
  }

  optionalNumber(key: string, rule: NumberRule): number | undefined {
    return this.has(key) ? this.number(key, rule) : undefined;
  }

  choice<T extends string>(key: string, options: readonly T[]): T {
    const value = this.values[key];
    const list = options.map((option) => `"${option}"`).join(', ');
    if (value === undefined) throw new ConfigError(this.field(key), value, `missing; give one of ${list}`);
    if (!options.includes(value as T)) throw new ConfigError(this.field(key), value, `must be one of ${list}`);
    return value as T;
  }

  optionalChoice<T extends string>(key: string, options: readonly T[]): T | undefined {
    return this.has(key) ? this.choice(key, options) : undefined;
  }

  optionalBoolean(key: string): boolean | undefined {
    const value = this.values[key];
    if (value !== undefined && typeof value !== 'boolean')
      throw new ConfigError(this.field(key), value, 'must be true or false');
    return value;
  }

  /** Rejects `key` when present, with `fix` telling why it does not belong and what to do. */
  forbid(key: string, fix: string): void {
    if (this.has(key)) throw new ConfigError(this.field(key), this.values[key], fix);
  }
}
