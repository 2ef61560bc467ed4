/** Public API of the end-to-end flow (SPEC §6, §8; docs/flow.md "API"): multipliers, the operator A_N, integrators, the Float64 reference, the volume form. */
export { assertFlowDepth, kDepth, kDirect, kInfinity, multiplierMatrix } from './multipliers.js';
export { DEFAULT_FLOW_TOLERANCE, type OperatorOptions, endToEndOperator } from './operator.js';
export { type Velocity, eulerStep, rk4Step } from './integrators.js';
export { type FlowIntegrator, type FlowOptions, ReferenceFlow, flowVelocity } from './reference.js';
export { groupOrbitEntropy, logVolumeDensity } from './volume.js';
