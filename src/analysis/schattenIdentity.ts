/** The L2-on-parameters ⇔ Schatten-2/N identity of SPEC §7, evaluated on a network. */
import { type Matrix, frobenius } from '../linalg/matrix.js';
import { singularValues } from '../linalg/decompositions.js';
import { endToEnd } from '../reference/loss.js';
import { schattenPower } from './spectrum.js';

export interface SchattenIdentity {
  /** Σ_k ‖W_k‖²_F. */
  sumSquares: number;
  /** N Σ_i σ_i(W)^{2/N} for the end-to-end W = W_N ⋯ W_1. */
  depthSchatten: number;
  /**
   * sumSquares / depthSchatten ≥ 1 (AM–GM over the layers with Hölder for Schatten norms), with
   * equality exactly for balanced factorisations; 1 when both are 0, Infinity when only the
   * end-to-end matrix is 0.
   */
  ratio: number;
}

/** Layers in order W_1 … W_N (SPEC §1). */
export function schattenIdentity(layers: Matrix[]): SchattenIdentity {
  const depth = layers.length;
  const sumSquares = layers.reduce((sum, w) => sum + frobenius(w) ** 2, 0);
  const depthSchatten = depth * schattenPower(singularValues(endToEnd(layers)), 2 / depth);
  const ratio = depthSchatten > 0 ? sumSquares / depthSchatten : sumSquares > 0 ? Infinity : 1;
  return { sumSquares, depthSchatten, ratio };
}
