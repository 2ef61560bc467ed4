/** Public API of the analysis layer: spectral diagnostics (SPEC §9), SPEC §7 and §10 closed forms. */
export { DEFAULT_RANK_TOLERANCE, effectiveRank, numericalRank, schatten, schattenPower } from './spectrum.js';
export { type SchattenIdentity, schattenIdentity } from './schattenIdentity.js';
export { type Balancedness, balancedness } from './balancedness.js';
export { type Alignment, type SingularFrames, alignment } from './alignment.js';
export type { TracePoint } from './logTimeGrid.js';
export {
  DEFAULT_PLATEAU_OPTIONS,
  type Plateau,
  type PlateauOptions,
  type SaddleAnalysis,
  type SaddleContext,
  type UnresolvedSaddle,
  analyzeSaddles,
  detectPlateaus,
  learnedRank,
  saddleLevels,
} from './plateaus.js';
export {
  DEFAULT_REGIME_OPTIONS,
  type Regime,
  type RegimeLabel,
  type RegimeMeasure,
  type RegimeOptions,
  classifyRegime,
} from './regime.js';
export {
  DEFAULT_TRAJECTORY_OPTIONS,
  type TrajectoryOptions,
  alignedModeDepth2,
  alignedModeHalfTime2,
  alignedModeTimeTo,
  alignedModeTrajectory,
  regularisedFixedPoints,
  regularisedThreshold,
} from './closedForms.js';
export { type L2Mode, type L2Thresholds, l2Mode, l2ModeObjective, l2Thresholds } from './l2Minima.js';
export {
  BALANCE_TOLERANCE,
  DRIFT_TOLERANCE,
  type MinimumEvidence,
  type MinimumKind,
  type MinimumLabel,
  type ModeState,
  VALUE_SLACK,
  classifyMinimum,
  notStationary,
} from './minimumKind.js';
export { interquartileRange, median, quantile } from './statistics.js';
export { completionTestError } from './heldout.js';
export { ESCAPE_FRACTION, type EscapeAlignment, escapeAlignment } from './escape.js';
