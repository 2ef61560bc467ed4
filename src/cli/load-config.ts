/**
 * The experiment `dlnsim run` was asked for: a preset by name or a JSON config file, with the
 * --set edits applied and the result validated, all before any GPU work, so bad input fails fast.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { configFromJson, parseConfig, setOverride } from '../config/index.js';
import type { Config } from '../config/types.js';
import { findPreset, PRESETS, type Preset } from '../presets/index.js';
import { UsageError } from './args.js';

export interface LoadedExperiment {
  config: Config;
  /** The preset run, if the source named one. */
  preset: Preset | null;
  /** For the default output directory: the preset's name, else the config's name, else the file's. */
  name: string;
}

export async function loadExperiment(source: string, sets: readonly string[]): Promise<LoadedExperiment> {
  const preset = looksLikeFile(source) ? undefined : findPreset(source);
  let config: Config;
  let name: string;
  if (preset) {
    config = preset.config;
    name = preset.name;
  } else {
    if (!looksLikeFile(source)) {
      throw new UsageError(
        `unknown preset \`${source}\`; the presets are ${PRESETS.map((p) => p.name).join(', ')} (dlnsim presets describes them), or give a config file ending in .json`,
      );
    }
    config = configFromJson(await readConfigFile(source), basename(source));
    name = config.name ?? basename(source, extname(source));
  }
  for (const edit of sets) config = setOverride(config, edit);
  return { config: parseConfig(config), preset: preset ?? null, name };
}

function looksLikeFile(source: string): boolean {
  return source.endsWith('.json') || source.includes('/') || source.includes('\\');
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `config file ${path} does not exist`
        : `cannot read config file ${path}: ${(error as Error).message}`,
    );
  }
}

/** results/<name>-<local date and time>, e.g. results/saddle-to-saddle-2025-01-31-14-05-09. */
export function defaultOutDir(name: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `results/${safe}-${stamp}`;
}
