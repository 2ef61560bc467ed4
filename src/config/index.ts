/** The config module: types, parsing and validation, defaults, sweeps and GPU batching. */
export type * from './types.js';
export { DEFAULTS } from './defaults.js';
export { batchKey, expandRuns, groupBatches, MAX_RUNS, parseConfig, resolveConfig } from './sweep.js';
export { configFromJson, setOverride } from './overrides.js';
