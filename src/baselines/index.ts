/** Float64 host baselines for matrix completion (issue 15 §3): the convex and the greedy solution on the same mask and target. */
export {
  DEFAULT_NUCLEAR_NORM_OPTIONS,
  type NuclearNormOptions,
  type NuclearNormResult,
  nuclearNormCompletion,
  shrinkSingularValues,
} from './nuclear-norm.js';
export { DEFAULT_GLRL_OPTIONS, type GlrlOptions, type GlrlResult, greedyLowRank } from './glrl.js';
