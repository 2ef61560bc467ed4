/**
 * Configs from outside: a JSON file's text, and the CLI's `--set path=value` edits applied on top.
 * Edits are not validated one by one (a change of shape may take several); validate the result.
 */
import { ConfigError } from '../errors.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { checkPath, withValue } from './schema.js';
import type { Config } from './types.js';
import { parseConfig } from './sweep.js';

const SET_FORM =
  'write --set path=value with a dotted config path, e.g. --set train.lr=0.05, --set network.widths=[4,16,4] or --set train.flowDepth=infinity';

/**
 * A copy of `config` with one field set. The value is read as JSON when it parses (numbers, arrays,
 * objects, true/false) and as a plain string otherwise; JSON null removes the field, so that e.g.
 * `init.std=null` then `init.gain=1` switches a Gaussian init from std to gain.
 */
export function setOverride(config: Config, assignment: string): Config {
  const equals = assignment.indexOf('=');
  const path = equals < 0 ? '' : assignment.slice(0, equals).trim();
  if (path === '') throw new ConfigError('--set', assignment, SET_FORM);
  checkPath(path, '--set', false);
  const text = assignment.slice(equals + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  return withValue(config, path, value === null ? undefined : value);
}

/** Parses and validates a config file's text; `source` (the file name) appears in syntax errors. */
export function configFromJson(text: string, source = 'config'): Config {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      'config',
      source,
      `${source} is not valid JSON: ${reason}${lineAndColumn(text, reason)}; fix the syntax there`,
    );
  }
  return parseConfig(data);
}

/**
 * " (line L, column C)" of the first invalid character (1-based; the end of the text for an early
 * end), since people edit by line. Empty when the engine's message already has a line (Firefox).
 */
function lineAndColumn(text: string, reason: string): string {
  const offset = jsonErrorOffset(text);
  if (offset === undefined || /line \d+/.test(reason)) return '';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}
