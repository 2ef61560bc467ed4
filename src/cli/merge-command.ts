/** `dlnsim merge OUTDIR DIR...`: shards back into one result, with the preset's verdict when complete. */
import { resolve } from 'node:path';
import { findPreset } from '../presets/index.js';
import { mergeShards, readResults, ResultsError, writeResults } from '../results/index.js';
import type { Command } from './args.js';
import { EXIT_OK } from './exit-codes.js';
import type { CliIo } from './io.js';
import { resultOverview, resultPathsText, verdictText } from './result-text.js';

export async function mergeCommand(command: Extract<Command, { kind: 'merge' }>, io: CliIo): Promise<number> {
  if (command.dirs.some((dir) => resolve(dir) === resolve(command.out))) {
    throw new ResultsError(`the output directory ${command.out} is also one of the shards; merge into a new directory`);
  }
  const parts = [];
  for (const dir of command.dirs) parts.push({ source: dir, ...(await readResults(dir)) });
  const { preset: presetName, result } = mergeShards(parts);
  const preset = presetName === null ? undefined : findPreset(presetName);
  const verdict = preset && !result.aborted ? preset.verdict(result) : null;
  const paths = await writeResults(command.out, result, { preset: presetName, verdict }, command.format);
  const lines = [`merged ${parts.length} shard${parts.length === 1 ? '' : 's'}`, '', ...resultOverview(result)];
  if (verdict) lines.push('', ...verdictText(presetName!, verdict));
  lines.push('', ...resultPathsText(paths));
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
