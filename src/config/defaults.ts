/**
 * Every default of an optional config field, in one place; resolveConfig fills them in and
 * docs/config.md lists them. The one default that depends on other fields, train.flowDepth = the
 * network's depth N, is computed in resolveConfig.
 */
import type { SpectraMode, TrainConfig } from './types.js';

export const DEFAULTS = {
  name: 'experiment',
  task: {
    seed: 0,
    /** regression: noiseless data unless asked. */
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
    integrator: 'euler' as NonNullable<TrainConfig['integrator']>,
    divergenceFactor: 1e6,
  },
  record: {
    spectra: 'gpu' as SpectraMode,
    layers: false,
    matrices: false,
    /** SPEC §9: ranks count σ_i > 1e-3·σ_1, not the directions a small init left at init scale. */
    rankTolerance: 1e-3,
  },
  loss: {
    /** SPEC §2: the ½‖·‖² convention. */
    scale: 1,
  },
  seeds: 1,
};
