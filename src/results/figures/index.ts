/**
 * A figure per preset: the picture its paper draws, from an experiment's results, as static SVG
 * (src/results/svg-plot.ts). One code path for report.html, the demo and <dln-sim> (which get the
 * SVG from the worker with the exported files), so all three show the same figure. A preset added
 * later plugs in with one entry here.
 */
import type { ExperimentResult } from '../../experiment/types.js';
import { type PlotSpec, plotFigure } from '../svg-plot.js';
import { alignedModesFigures } from './aligned-modes.js';
import { completionDepthFigures } from './completion-depth.js';
import { completionVsObservationsFigures } from './completion-vs-observations.js';
import { depthL2Figures } from './depth-l2.js';
import { hyperbolaFigures } from './hyperbola.js';
import { l2LocalMinimaCompletionFigures, l2LocalMinimaFigures } from './l2-minima.js';
import { lazyVsRichFigures } from './lazy-vs-rich.js';
import { rankTwoFigures } from './rank-two.js';
import { saddleFigures } from './saddles.js';
import { widthScalingFigures } from './width-scaling.js';

const FIGURES: Record<string, (result: ExperimentResult) => PlotSpec[]> = {
  'saddle-to-saddle': saddleFigures,
  'infinite-depth-completion': hyperbolaFigures,
  'rank-two-completion': rankTwoFigures,
  'aligned-modes': alignedModesFigures,
  'depth-l2': depthL2Figures,
  'completion-depth': completionDepthFigures,
  'completion-vs-observations': completionVsObservationsFigures,
  'lazy-vs-rich': lazyVsRichFigures,
  'l2-local-minima': l2LocalMinimaFigures,
  'l2-local-minima-completion': l2LocalMinimaCompletionFigures,
  'width-scaling': widthScalingFigures,
};

/** The preset's figures as <figure> markup (empty for a config without a preset, or a preset without a figure). */
export function presetFigures(preset: string | null | undefined, result: ExperimentResult): string[] {
  const make = preset ? FIGURES[preset] : undefined;
  if (!make || result.runs.length === 0) return [];
  return make(result).map((spec) => plotFigure(spec));
}

export function hasFigures(preset: string): boolean {
  return preset in FIGURES;
}
