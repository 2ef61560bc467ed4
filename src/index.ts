/**
 * The dlnsim library (package entry, for Node and browsers alike, so nothing here may import
 * Node built-ins: the files-on-disk side of results lives in the CLI). A flat list of re-exports.
 */
export {
  Simulator,
  type Divergence,
  type Progress,
  type RunOptions,
  type RunResult,
  type SimulatorOptions,
  type Snapshot,
} from './engine/simulator.js';
export type { BatchRecord } from './engine/records.js';
export { acquireDevice, type AcquireOptions, type AdapterReport, type GpuContext } from './gpu/device.js';
export * from './config/index.js';
export * from './analysis/index.js';
export * from './experiment/index.js';
export * from './flow/index.js';
export * from './baselines/index.js';
export { flowLogVolume } from './engine/flow-program.js';
export { fullSvd } from './linalg/decompositions.js';
export { PRESETS, findPreset, type Preset, type Verdict } from './presets/index.js';
export {
  type Summary,
  type SummaryExtras,
  type SummaryRun,
  SUMMARY_VERSION,
  summaryJson,
  toSummary,
} from './results/summary.js';
export { traceCsv, traceCsvChunks } from './results/trace-csv.js';
export { reportHtml } from './results/report-html.js';
export * from './errors.js';
