/**
 * Hand-built ResolvedConfig objects for unit tests, so the tests of the task, initialisation and
 * reference do not depend on config validation. Every field not given gets a small, fixed default.
 */
import type { InitConfig, ResolvedConfig, StepKernel, TaskConfig } from '../../src/config/types.js';

export interface ConfigParts {
  task?: Partial<TaskConfig>;
  widths?: number[];
  init?: Partial<InitConfig>;
  lr?: number;
  weightDecay?: number;
  lossScale?: number;
  kernel?: StepKernel;
}

/** Defaults: factorization of a 3 × 4 random target with singular values 3, 2, 1; widths 4-5-3. */
export function testConfig(parts: ConfigParts = {}): ResolvedConfig {
  const task = {
    kind: 'factorization',
    target: { rows: 3, cols: 4, singularValues: [3, 2, 1] },
    seed: 7,
    ...parts.task,
  } as ResolvedConfig['task'];
  // As validation fills it: the held-out samples default to the training count.
  if (task.kind === 'regression') task.testSamples ??= task.samples;
  if (task.kind === 'sensing') task.testSamples ??= task.measurements;
  return {
    name: 'test',
    task,
    widths: parts.widths ?? [4, 5, 3],
    init: { kind: 'gaussian', gain: 1, seed: 11, ...parts.init },
    train: {
      lr: parts.lr ?? 0.01,
      steps: 100,
      weightDecay: parts.weightDecay ?? 0,
      method: 'layers',
      flowDepth: 2,
      flowThreshold: 1e-4,
      integrator: 'euler',
      divergenceFactor: 1e6,
      kernel: parts.kernel ?? 'auto',
    },
    record: {
      every: 10,
      spectra: 'none',
      svd: 'bisection',
      layers: false,
      matrices: false,
      rankTolerance: 1e-3,
      linearized: false,
    },
    loss: { scale: parts.lossScale ?? 1 },
  };
}
