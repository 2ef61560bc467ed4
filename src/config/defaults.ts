/**
 * Every default of an optional config field, in one place; resolveConfig fills them in and
 * docs/config.md lists them. The one default that depends on other fields, train.flowDepth = the
 * network's depth N, is computed in resolveConfig.
 */
import type { SpectraMode, SvdAlgorithm, TrainConfig } from './types.js';

export const DEFAULTS = {
  name: 'experiment',
  task: {
    seed: 0,
    /** regression and factorization: noiseless data unless asked. */
    noise: 0,
  },
  init: {
    seed: 0,
    /** orthogonal: plain Haar-orthogonal layers. Balanced init has no default: W(0)'s size is the experiment. */
    orthogonalScale: 1,
  },
  train: {
    weightDecay: 0,
    method: 'layers' as NonNullable<TrainConfig['method']>,
    /**
     * The flow's singular-value threshold, relative to σ_max (SPEC §6: "tol documented and
     * reported"). The f32 Jacobi SVD resolves σ only to ~1e-6·σ_max, so a σ kept above 1e-4·σ_max
     * is known to 1% or better and its singular vectors to ~1e-2 rad; below ~1e-5·σ_max a σ is
     * mostly round-off. That matters most at N = ∞, where K^∞(σ₁, σ) ≈ σ₁²/(2 ln(σ₁/σ)) decays only
     * logarithmically: a round-off σ of 1e-6·σ₁ would get σ₁²/28 and move W along round-off
     * directions (docs/flow.md, "The f32 threshold").
     */
    flowThreshold: 1e-4,
    integrator: 'euler' as NonNullable<TrainConfig['integrator']>,
    divergenceFactor: 1e6,
    kernel: 'auto' as NonNullable<TrainConfig['kernel']>,
  },
  record: {
    spectra: 'gpu' as SpectraMode,
    /** Bidiagonalisation + bisection: 2.5–6× faster than Jacobi on trained products, 10× more accurate. */
    svd: 'bisection' as SvdAlgorithm,
    layers: false,
    matrices: false,
    /** SPEC §9: ranks count σ_i > 1e-3·σ_1, not the directions a small init left at init scale. */
    rankTolerance: 1e-3,
    linearized: false,
  },
  loss: {
    /** SPEC §2: the ½‖·‖² convention. */
    scale: 1,
  },
  seeds: 1,
};
