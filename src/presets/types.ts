/**
 * A preset: a ready-made experiment that reproduces one claim of the papers dlnsim is built on,
 * and the check that says whether this run reproduced it. Adding one is one file exporting a
 * Preset, listed in index.ts.
 */
import type { Config } from '../config/types.js';
import type { ExperimentResult, RunMeasure } from '../experiment/index.js';

export interface Verdict {
  /** The claim checked, with its source, in a sentence or two. */
  claim: string;
  /** What was measured, one line each (may form a small aligned table). */
  measured: string[];
  /** Whether the measurements agree with the claim within the preset's stated tolerance. */
  pass: boolean;
  /** One line: the agreement, with the numbers that decided it. */
  summary: string;
}

export interface Preset {
  name: string;
  /** One line for `dlnsim presets` and the demo's preset menu. */
  description: string;
  config: Config;
  /** Per-run measurement of the final layers, stored in summary.json as each run's `metrics`. */
  measure?: RunMeasure;
  /** Judges a complete (unsharded or merged, not aborted) result of this preset's config. */
  verdict(result: ExperimentResult): Verdict;
}
