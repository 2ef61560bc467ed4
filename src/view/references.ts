/**
 * What the plots draw as dashed guides: the target's singular values s_i (where each σ_i should
 * end up) and, for factorization, the saddle loss levels loss.scale · ½ Σ_{i>k} s_i² (SPEC §9), the
 * plateaus a small initialisation rests on while the rank is k.
 */
import { singularValues } from '../linalg/decompositions.js';
import type { MatrixData } from '../worker/protocol.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ReferenceLine } from './plot-style.js';
import { formatNumber } from '../display/format.js';
import { singularColour, withAlpha } from '../display/palette.js';

/** Nonzero singular values of the target, descending. */
export function targetSpectrum(target: MatrixData): number[] {
  const values = Array.from(singularValues(target));
  const top = values[0] ?? 0;
  return values.filter((s) => s > 1e-12 * top);
}

export function singularValueGuides(spectrum: number[]): ReferenceLine[] {
  return spectrum.slice(0, 8).map((s, i) => ({
    value: s,
    colour: withAlpha(singularColour(i), 0.55),
    label: `s${i + 1} = ${formatNumber(s, 3)}`,
  }));
}

/** Saddle levels for factorization (other tasks have no such closed form): k = 0 … rank − 1. */
export function saddleGuides(config: ResolvedConfig, spectrum: number[]): ReferenceLine[] {
  if (config.task.kind !== 'factorization') return [];
  return spectrum.map((_, k) => {
    const level = 0.5 * config.loss.scale * spectrum.slice(k).reduce((sum, s) => sum + s * s, 0);
    return { value: level, colour: 'rgba(200, 208, 220, 0.35)', label: `rank-${k} saddle` };
  });
}
