/**
 * From a <dln-sim> element's attributes to a validated config. The base is the `config` attribute
 * (JSON) or the `preset` (default: the first preset); then the `set` attribute's edits
 * ("train.lr=0.05; network.depth=3", the CLI's --set rules) and the knob attributes (depth, lr,
 * steps, …; see src/view/knobs.ts) are applied in that order, the config checked after the edits
 * and again after the knobs.
 */
import type { Config } from '../config/types.js';
import { configFromJson, parseConfig, setOverride } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { PRESETS, findPreset } from '../presets/index.js';
import { KNOBS } from '../view/knobs.js';

export const CONFIG_ATTRIBUTES = ['preset', 'config', 'set', ...KNOBS.map((k) => k.name)];

export function configFromAttributes(element: Element): Config {
  const json = element.getAttribute('config');
  const presetName = element.getAttribute('preset');
  let config: Config;
  if (json !== null) {
    config = configFromJson(json, 'the `config` attribute');
  } else {
    const preset = presetName ? findPreset(presetName) : PRESETS[0];
    if (!preset)
      throw new ConfigError(
        'preset',
        presetName,
        `unknown preset; choose one of ${PRESETS.map((p) => p.name).join(', ')}`,
      );
    config = preset.config;
  }
  for (const edit of (element.getAttribute('set') ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    config = setOverride(config, edit);
  }
  // Knobs write into a valid config: a bad `set` edit is refused here, naming its field.
  config = parseConfig(config);
  for (const knob of KNOBS) {
    const value = element.getAttribute(knob.name);
    if (value !== null) config = knob.write(config, value);
  }
  return parseConfig(config);
}
