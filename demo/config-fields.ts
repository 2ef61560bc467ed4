/**
 * The form tells the truth: besides the knobs, every other field the preset or config sets, each
 * editable, so what the form shows is what runs. The sweep's axes are listed with their values
 * (one input per axis), a matrix target and an explicit mask are small editable grids, and every
 * other leaf is a text field holding its JSON. An edit builds a new config (validated by the
 * caller), whose differences from the base become the URL's edits (url-state.ts).
 */
import type { Config } from '../src/config/types.js';
import { isPlainObject, withValue } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';

/** Grids up to this many rows and columns; larger matrices are edited as JSON. */
const MAX_GRID = 8;

/** Leaf paths of `config`, arrays as leaves, without `sweep` and the paths `covered` by knobs. */
export function otherFields(config: Config, covered: ReadonlySet<string>): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  const walk = (value: unknown, path: string) => {
    if (path === 'sweep' || covered.has(path)) return;
    if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
      return;
    }
    out.push({ path, value });
  };
  walk(config, '');
  return out;
}

/** A copy of `config` whose sweep sets `path` to `values` (JSON text of a list). */
export function withSweepAxis(config: Config, path: string, text: string): Config {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw new ConfigError(`sweep["${path}"]`, text, 'write the values as a JSON list, e.g. [2, 3, 4]');
  }
  if (!Array.isArray(values) || values.length === 0)
    throw new ConfigError(`sweep["${path}"]`, text, 'a sweep axis is a non-empty list of values, e.g. [2, 3, 4]');
  return { ...config, sweep: { ...config.sweep, [path]: values } };
}

/** A copy of `config` with the leaf `path` set from JSON text (plain text when it is not JSON). */
export function withField(config: Config, path: string, text: string): Config {
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: a string value such as an init kind.
  }
  return withValue(config, path, value);
}

const isMatrix = (value: unknown): value is number[][] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.length <= MAX_GRID &&
  value.every(
    (row) =>
      Array.isArray(row) &&
      row.length === (value[0] as unknown[]).length &&
      row.length <= MAX_GRID &&
      row.every((x) => typeof x === 'number'),
  );

/** The editors of the sweep and the other fields; `apply` receives the edited config (or throws ConfigError). */
export function fieldEditors(
  config: Config,
  covered: ReadonlySet<string>,
  apply: (next: Config, input: HTMLElement, error: HTMLElement) => void,
): HTMLElement[] {
  const editors: HTMLElement[] = [];
  for (const [path, values] of Object.entries(config.sweep ?? {})) {
    editors.push(
      textEditor(
        `sweep: ${path}`,
        JSON.stringify(values),
        `sweep["${path}"]`,
        (text) => withSweepAxis(config, path, text),
        apply,
      ),
    );
  }
  for (const { path, value } of otherFields(config, covered)) {
    if (isMatrix(value)) editors.push(gridEditor(path, value, config, apply));
    else
      editors.push(
        textEditor(
          path,
          typeof value === 'string' ? value : JSON.stringify(value),
          path,
          (text) => withField(config, path, text),
          apply,
        ),
      );
  }
  return editors;
}

function textEditor(
  label: string,
  value: string,
  title: string,
  build: (text: string) => Config,
  apply: (next: Config, input: HTMLElement, error: HTMLElement) => void,
): HTMLElement {
  const wrapper = document.createElement('label');
  wrapper.className = 'full config-field';
  wrapper.append(document.createTextNode(label));
  const input = document.createElement('input');
  input.type = 'text';
  input.spellcheck = false;
  input.value = value;
  input.title = `config: ${title}`;
  input.dataset.path = title;
  const error = document.createElement('span');
  error.className = 'field-error';
  input.addEventListener('change', () => guarded(() => apply(build(input.value), input, error), input, error));
  wrapper.append(input, error);
  return wrapper;
}

/** A rows × cols grid of number inputs for a small matrix (a target or a 0/1 mask). */
function gridEditor(
  path: string,
  matrix: number[][],
  config: Config,
  apply: (next: Config, input: HTMLElement, error: HTMLElement) => void,
): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'full config-field';
  const title = document.createElement('span');
  title.textContent = `${path} (${matrix.length}×${matrix[0]!.length})`;
  const grid = document.createElement('div');
  grid.className = 'matrix-grid';
  grid.dataset.path = path;
  grid.style.gridTemplateColumns = `repeat(${matrix[0]!.length}, minmax(0, 3.2em))`;
  const error = document.createElement('span');
  error.className = 'field-error';
  matrix.forEach((row, i) =>
    row.forEach((entry, j) => {
      const cell = document.createElement('input');
      cell.type = 'text';
      cell.inputMode = 'decimal';
      cell.value = String(entry);
      cell.setAttribute('aria-label', `${path}[${i}][${j}]`);
      cell.addEventListener('change', () =>
        guarded(
          () => {
            const value = Number(cell.value.trim());
            if (cell.value.trim() === '' || !Number.isFinite(value))
              throw new ConfigError(`${path}[${i}][${j}]`, cell.value, 'must be a number, e.g. 1 or 0.5');
            const next = matrix.map((r, a) => r.map((x, b) => (a === i && b === j ? value : x)));
            apply(withValue(config, path, next), cell, error);
          },
          cell,
          error,
        ),
      );
      grid.append(cell);
    }),
  );
  wrapper.append(title, grid, error);
  return wrapper;
}

function guarded(run: () => void, input: HTMLElement, error: HTMLElement): void {
  try {
    run();
  } catch (cause) {
    if (!(cause instanceof ConfigError)) throw cause;
    input.classList.add('invalid');
    error.textContent = `${cause.field}: ${cause.fix}`;
  }
}
