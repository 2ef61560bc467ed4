/** Experiments: every run of a config (sweep × seeds, or one shard), batched, trained and analysed. */
export type * from './types.js';
export {
  type ExperimentOptions,
  type ExperimentProgress,
  type RunMeasure,
  planBatches,
  runExperiment,
} from './run-experiment.js';
export {
  batchExperimentRuns,
  experimentRun,
  fullTrace,
  minimumLabel,
  objectiveDrift,
  runTrace,
  tracePoints,
} from './experiment-run.js';
export { bytesPerNetwork, networksPerBatch, splitBatch, splitInto } from './batch-size.js';
export {
  checkNetworkFits,
  experimentRecordBytes,
  networkFootprint,
  networksThatFit,
  type NetworkFootprint,
} from '../engine/footprint.js';
export { hostMemory, HOST_MEMORY_FRACTION, type MemoryLimits, memoryLimits } from '../gpu/host-memory.js';
export { bindingLimit } from '../gpu/buffers.js';
export { parseShard, shardRuns } from './shard.js';
