/** Experiments: every run of a config (sweep × seeds, or one shard), batched, trained and analysed. */
export type * from './types.js';
export { type ExperimentOptions, type ExperimentProgress, type RunMeasure, planBatches, runExperiment } from './run-experiment.js';
export { batchExperimentRuns, experimentRun, minimumLabel, objectiveDrift, runTrace, tracePoints } from './experiment-run.js';
export { bytesPerNetwork, networksPerBatch, splitBatch } from './batch-size.js';
export { bindingLimit } from '../gpu/buffers.js';
export { parseShard, shardRuns } from './shard.js';
