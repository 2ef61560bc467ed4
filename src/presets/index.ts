/**
 * The preset registry: each preset reproduces one claim of the founding papers (docs/cli.md).
 * The first is the default experiment. To add one, write a file exporting a Preset and list it here.
 */
import { alignedModes } from './aligned-modes.js';
import { completionDepth } from './completion-depth.js';
import { completionVsObservations } from './completion-vs-observations.js';
import { depthL2 } from './depth-l2.js';
import { infiniteDepthCompletion } from './infinite-depth-completion.js';
import { l2LocalMinima } from './l2-local-minima.js';
import { l2LocalMinimaCompletion } from './l2-local-minima-completion.js';
import { lazyVsRich } from './lazy-vs-rich.js';
import { rankTwoCompletion } from './rank-two-completion.js';
import { saddleToSaddle } from './saddle-to-saddle.js';
import { widthScaling } from './width-scaling.js';
import type { Preset } from './types.js';

export type { Preset, Verdict } from './types.js';

export const PRESETS: readonly Preset[] = [
  saddleToSaddle,
  lazyVsRich,
  depthL2,
  l2LocalMinima,
  l2LocalMinimaCompletion,
  widthScaling,
  alignedModes,
  completionDepth,
  completionVsObservations,
  infiniteDepthCompletion,
  rankTwoCompletion,
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
