/**
 * The demo's settings form: a preset picker and one field per knob (src/view/knobs.ts), grouped
 * as a person thinks of them. A field's change becomes a new config through its knob; a value the
 * knob rejects stays in the field, marked, with the knob's message under it.
 */
import type { Config } from '../src/config/types.js';
import { ConfigError } from '../src/errors.js';
import { parseConfig } from '../src/config/index.js';
import { initScaleField, knob, type Knob } from '../src/view/knobs.js';
import { fieldEditors } from './config-fields.js';

export interface PresetChoice {
  name: string;
  description: string;
}

export type FormChange = { kind: 'preset'; name: string } | { kind: 'config'; config: Config };

const GROUPS: { legend: string; knobs: string[]; wide?: string[] }[] = [
  { legend: 'Task', knobs: ['task', 'size', 'target'], wide: ['target'] },
  { legend: 'Network', knobs: ['depth', 'width'] },
  { legend: 'Initialisation', knobs: ['init', 'init-scale'] },
  { legend: 'Training', knobs: ['lr', 'weight-decay', 'steps', 'record-every', 'svd', 'seeds'] },
];

export class ConfigForm {
  private config: Config | null = null;
  private readonly fields = new Map<
    string,
    { knob: Knob; input: HTMLInputElement | HTMLSelectElement; error: HTMLElement; label: HTMLElement }
  >();
  private readonly presetSelect: HTMLSelectElement;
  private readonly presetDescription: HTMLElement;
  /** Every field the knobs do not show: the sweep axes and the rest of the config. */
  private readonly everything: HTMLFieldSetElement;
  /** Config paths the knobs read and write. */
  private readonly covered = new Set<string>();

  constructor(
    form: HTMLFormElement,
    private readonly presets: readonly PresetChoice[],
    private readonly changed: (change: FormChange) => void,
  ) {
    const experiment = fieldset('Experiment');
    const presetLabel = document.createElement('label');
    presetLabel.className = 'full';
    presetLabel.textContent = 'preset';
    this.presetSelect = document.createElement('select');
    this.presetSelect.name = 'preset';
    for (const preset of [...presets, { name: '', description: '' }]) {
      const option = document.createElement('option');
      option.value = preset.name;
      option.textContent = preset.name || 'custom config';
      this.presetSelect.append(option);
    }
    this.presetSelect.addEventListener('change', () => {
      if (this.presetSelect.value) this.changed({ kind: 'preset', name: this.presetSelect.value });
    });
    presetLabel.append(this.presetSelect);
    this.presetDescription = document.createElement('p');
    this.presetDescription.className = 'preset-description';
    experiment.append(presetLabel, this.presetDescription);
    form.append(experiment);

    for (const group of GROUPS) {
      const set = fieldset(group.legend);
      for (const name of group.knobs) set.append(this.field(knob(name), group.wide?.includes(name) ?? false));
      form.append(set);
    }
    for (const { knob: k } of this.fields.values())
      for (const path of k.path.split(/[,|]/)) this.covered.add(path.trim());
    this.everything = fieldset('Sweep and every other field');
    this.everything.classList.add('everything');
    form.append(this.everything);
    form.addEventListener('submit', (event) => event.preventDefault());
  }

  /** Shows `config`; `preset` is the base's preset name, or undefined for a custom config. */
  show(config: Config, preset: string | undefined): void {
    this.config = config;
    this.presetSelect.value = preset && this.presets.some((p) => p.name === preset) ? preset : '';
    this.presetDescription.textContent =
      this.presets.find((p) => p.name === preset)?.description ??
      'A config of your own: edit the fields or the JSON below.';
    for (const { knob: k, input, error, label } of this.fields.values()) {
      const value = k.read(config);
      input.value = value ?? '';
      input.disabled = value === undefined;
      // A knob the config has no field for (the target spectrum of a matrix target) is not shown empty.
      label.hidden = value === undefined;
      input.classList.remove('invalid');
      error.textContent = '';
      if (k.name === 'init-scale') label.firstChild!.textContent = `init ${initScaleField(config)}`;
    }
    const legend = this.everything.querySelector('legend')!;
    const editors = fieldEditors(config, this.covered, (next, input) => {
      parseConfig(next);
      input.classList.remove('invalid');
      this.changed({ kind: 'config', config: next });
    });
    this.everything.replaceChildren(legend, ...editors);
  }

  private field(k: Knob, wide: boolean): HTMLElement {
    const label = document.createElement('label');
    if (wide) label.className = 'full';
    label.append(document.createTextNode(k.label));
    let input: HTMLInputElement | HTMLSelectElement;
    if (k.type === 'choice') {
      input = document.createElement('select');
      for (const choice of k.choices ?? []) input.append(new Option(choice, choice));
    } else {
      input = document.createElement('input');
      input.type = 'text';
      input.inputMode = k.type === 'list' || k.type === 'size' ? 'text' : 'decimal';
      input.spellcheck = false;
    }
    input.name = k.name;
    input.title = `config: ${k.path}`;
    const error = document.createElement('span');
    error.className = 'field-error';
    input.addEventListener('change', () => this.apply(k, input, error));
    label.append(input, error);
    this.fields.set(k.name, { knob: k, input, error, label });
    return label;
  }

  private apply(k: Knob, input: HTMLInputElement | HTMLSelectElement, error: HTMLElement): void {
    if (!this.config) return;
    try {
      const next = k.write(this.config, input.value);
      input.classList.remove('invalid');
      error.textContent = '';
      this.changed({ kind: 'config', config: next });
    } catch (cause) {
      if (!(cause instanceof ConfigError)) throw cause;
      input.classList.add('invalid');
      error.textContent = cause.fix;
    }
  }
}

function fieldset(legend: string): HTMLFieldSetElement {
  const set = document.createElement('fieldset');
  const title = document.createElement('legend');
  title.textContent = legend;
  set.append(title);
  return set;
}
