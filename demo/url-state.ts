/**
 * The demo's whole state as a URL query, so a link reproduces what someone was looking at:
 *
 *   ?preset=saddle-to-saddle&network.depth=4&seeds=3&show-run=2
 *
 * - `preset=NAME` or `config=JSON`: the base experiment (default: the first preset).
 * - every other key with no dash is a config path, applied in order as `path=value` with the
 *   CLI's --set rules (value read as JSON when it parses, else as text; `null` removes a field).
 * - `autoplay=1` starts training on load; `show-run=ID` picks the network of the heatmaps;
 *   `sweep-x=PATH` the parameter of the sweep view.
 *
 * Writing goes the other way: the edits are the leaf fields where the current config differs from
 * the base, so a link stays short and readable.
 */
import type { Config } from '../src/config/types.js';
import { configFromJson, parseConfig, setOverride } from '../src/config/index.js';
import { isPlainObject } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';

export interface UrlState {
  preset?: string;
  /** A whole base config, when the link carries one instead of a preset. */
  config?: Config;
  /** `path=value` edits applied to the base, in order. */
  edits: string[];
  autoplay: boolean;
  showRun?: number;
  sweepX?: string;
}

const VIEW_KEYS = ['preset', 'config', 'autoplay', 'show-run', 'sweep-x'];

export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const state: UrlState = { edits: [], autoplay: params.get('autoplay') === '1' };
  const preset = params.get('preset');
  if (preset) state.preset = preset;
  const config = params.get('config');
  if (config) state.config = configFromJson(config, 'the URL parameter `config`');
  const showRun = params.get('show-run');
  if (showRun !== null && Number.isInteger(Number(showRun))) state.showRun = Number(showRun);
  const sweepX = params.get('sweep-x');
  if (sweepX) state.sweepX = sweepX;
  for (const [key, value] of params) if (!VIEW_KEYS.includes(key)) state.edits.push(`${key}=${value}`);
  return state;
}

/** The config a state describes: its base with the edits applied, validated. */
export function resolveState(state: UrlState, presetConfig: (name: string) => Config): Config {
  let config = state.config ?? presetConfig(state.preset ?? '');
  for (const edit of state.edits) {
    try {
      config = setOverride(config, edit);
    } catch (error) {
      // setOverride names the CLI's --set; here the edit came from the address bar.
      if (error instanceof ConfigError)
        throw new ConfigError(
          error.field === '--set' ? `URL parameter ${edit.split('=')[0]}` : error.field,
          edit,
          error.fix.replace(/--set /g, ''),
        );
      throw error;
    }
  }
  return parseConfig(config);
}

export function formatUrlState(state: UrlState): string {
  const parts: string[] = [];
  if (state.config) parts.push(`config=${encode(JSON.stringify(state.config))}`);
  else if (state.preset) parts.push(`preset=${encode(state.preset)}`);
  for (const edit of state.edits) {
    const at = edit.indexOf('=');
    parts.push(`${encode(edit.slice(0, at))}=${encode(edit.slice(at + 1))}`);
  }
  if (state.autoplay) parts.push('autoplay=1');
  if (state.showRun !== undefined) parts.push(`show-run=${state.showRun}`);
  if (state.sweepX) parts.push(`sweep-x=${encode(state.sweepX)}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** The edits that turn `base` into `current`: one `path=value` per differing leaf (arrays are leaves, and so is `sweep`). */
export function configEdits(base: Config, current: Config): string[] {
  const edits: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (path !== 'sweep' && isPlainObject(a) && isPlainObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
        walk(a[key], b[key], path ? `${path}.${key}` : key);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (b === undefined) edits.push(`${path}=null`);
    else if (isPlainObject(a) && isPlainObject(b)) edits.push(`${path}=${JSON.stringify(b)}`);
    else if (isPlainObject(b)) walk({}, b, path);
    else edits.push(`${path}=${formatValue(b)}`);
  };
  walk(base, current, '');
  return edits;
}

/** Text that setOverride reads back as `value`: plain for strings that are not JSON, JSON otherwise. */
function formatValue(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
    return JSON.stringify(value);
  } catch {
    return value;
  }
}

/** encodeURIComponent, leaving the characters of JSON arrays readable. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%2C/g, ',').replace(/%3A/g, ':');
}
