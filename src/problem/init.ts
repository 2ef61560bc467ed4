/**
 * Initial layers W_1 … W_N (W_k is n_k × n_{k−1}) per SPEC §5, all drawn from seed init.seed,
 * stream `init`. Substream k draws what belongs to layer k alone (the Gaussian or orthogonal W_k,
 * the balanced frame Q_k), and substream 0 the random end-to-end W(0) of a balanced start. So
 * changing the depth or a later width leaves earlier Gaussian and orthogonal layers unchanged, and
 * the earlier Q_k of a balanced start as long as its rank r stays the same.
 */
import type { ResolvedConfig } from '../config/types.js';
import { DlnsimError } from '../errors.js';
import { type Matrix, scale, transpose } from '../linalg/matrix.js';
import { svd } from '../linalg/decompositions.js';
import { rootOf } from '../exact-math.js';
import { Rng, STREAMS, gaussianMatrix, haarColumns } from '../random.js';
import { frameProduct, required } from './task.js';
import type { TaskData } from './types.js';

export function initialLayers(config: ResolvedConfig, task: TaskData): Matrix[] {
  const { widths, init } = config;
  const layerRng = (k: number) => new Rng(init.seed, STREAMS.init, k);
  const shapes = widths.slice(1).map((rows, i) => ({ k: i + 1, rows, cols: widths[i]! }));
  switch (init.kind) {
    case 'gaussian':
      return shapes.map(({ k, rows, cols }) => gaussianMatrix(layerRng(k), rows, cols, gaussianStd(config, cols)));
    case 'orthogonal': {
      const s = required(init.scale, 'init.scale', 'orthogonal init needs its scale');
      return shapes.map(({ k, rows, cols }) => scale(semiOrthogonal(layerRng(k), rows, cols), s));
    }
    case 'balanced':
      return balancedLayers(config, task, layerRng);
  }
}

function gaussianStd(config: ResolvedConfig, fanIn: number): number {
  const { std, gain, gamma } = config.init;
  if (std !== undefined) return std;
  // Jacot et al. v2: variance w^−γ with w the hidden width (validation makes every hidden width equal).
  if (gamma !== undefined) return config.widths[1]! ** (-gamma / 2);
  return required(gain, 'init.gain', 'gaussian init needs init.std or init.gain') / Math.sqrt(fanIn);
}

/** Haar-random with orthonormal columns (rows ≥ cols) or orthonormal rows (rows < cols). */
function semiOrthogonal(rng: Rng, rows: number, cols: number): Matrix {
  return rows >= cols ? haarColumns(rng, rows, cols) : transpose(haarColumns(rng, cols, rows));
}

/**
 * SPEC §5 balanced start: W(0) = U Σ Vᵀ of rank r = min(n_0, n_N), then W_k = F_k Σ^{1/N} F_{k−1}ᵀ
 * with frames F_0 = V, F_k = Q_k (Haar, n_k × r), F_N = U, so every D_k = 0 and W_N⋯W_1 = W(0).
 * A hidden layer narrower than r cannot carry W(0) (SPEC: hidden widths ≥ rank); config validation
 * rejects it, and so does this function rather than silently factorising a different W(0).
 */
function balancedLayers(config: ResolvedConfig, task: TaskData, layerRng: (k: number) => Rng): Matrix[] {
  const { widths, init } = config;
  const depth = widths.length - 1;
  const n0 = widths[0]!;
  const nN = widths[depth]!;
  const s = required(init.scale, 'init.scale', 'balanced init needs the scale of W(0)');
  const rank = Math.min(n0, nN);
  const narrow = widths.findIndex((width) => width < rank);
  if (narrow >= 0) {
    throw new DlnsimError(
      `balanced init: hidden width n_${narrow} = ${widths[narrow]} < min(n_0, n_N) = ${rank}, so no balanced factorisation of W(0) exists (SPEC §5). ` +
        'Config validation rejects this; build the ResolvedConfig with resolveConfig or expandRuns, or widen the layer.',
    );
  }
  // aligned: the target's frames, completed to orthonormal columns where it is rank-deficient.
  const frame = init.aligned ? svd(task.target) : svd(gaussianMatrix(layerRng(0), nN, n0, s / Math.sqrt(n0)));
  const sigma = init.aligned ? new Float64Array(rank).fill(s) : frame.s.slice(0, rank);
  const layerSigma = sigma.map((value) => rootOf(value, depth));
  const frames = [
    frame.v,
    ...Array.from({ length: depth - 1 }, (_, i) => haarColumns(layerRng(i + 1), widths[i + 1]!, rank)),
    frame.u,
  ];
  return Array.from({ length: depth }, (_, i) => frameProduct(frames[i + 1]!, layerSigma, frames[i]!));
}
