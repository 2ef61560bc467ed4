/** Default filling: the ResolvedConfig a validated config trains with (docs/config.md lists the defaults). */
import { DEFAULTS } from './defaults.js';
import { networkWidths, targetShape } from './shape.js';
import type { Config, ResolvedConfig } from './types.js';

/** Defaults for a config that already passed validation (resolveConfig and expandRuns check first). */
export function fillDefaults(config: Config): ResolvedConfig {
  const { task, init, train, record, loss } = config;
  const widths = networkWidths(config.network, targetShape(task.target));
  return {
    name: config.name ?? DEFAULTS.name,
    task: {
      ...task,
      seed: task.seed ?? DEFAULTS.task.seed,
      ...((task.kind === 'regression' || task.kind === 'factorization') && {
        noise: task.noise ?? DEFAULTS.task.noise,
      }),
      ...(task.kind === 'regression' && { testSamples: task.testSamples ?? task.samples }),
      ...(task.kind === 'sensing' && { testSamples: task.testSamples ?? task.measurements }),
    },
    widths,
    init: {
      ...init,
      seed: init.seed ?? DEFAULTS.init.seed,
      ...(init.kind === 'orthogonal' && { scale: init.scale ?? DEFAULTS.init.orthogonalScale }),
    },
    train: {
      lr: train.lr,
      steps: train.steps,
      weightDecay: train.weightDecay ?? DEFAULTS.train.weightDecay,
      method: train.method ?? DEFAULTS.train.method,
      // The flow's default depth is the network's, so "layers" and "flow" runs of one config compare.
      flowDepth: train.flowDepth ?? widths.length - 1,
      flowThreshold: train.flowThreshold ?? DEFAULTS.train.flowThreshold,
      integrator: train.integrator ?? DEFAULTS.train.integrator,
      divergenceFactor: train.divergenceFactor ?? DEFAULTS.train.divergenceFactor,
      kernel: train.kernel ?? DEFAULTS.train.kernel,
    },
    record: {
      every: record.every,
      spectra: record.spectra ?? DEFAULTS.record.spectra,
      svd: record.svd ?? DEFAULTS.record.svd,
      layers: record.layers ?? DEFAULTS.record.layers,
      matrices: record.matrices ?? DEFAULTS.record.matrices,
      rankTolerance: record.rankTolerance ?? DEFAULTS.record.rankTolerance,
      linearized: record.linearized ?? DEFAULTS.record.linearized,
    },
    loss: { scale: loss?.scale ?? DEFAULTS.loss.scale },
  };
}
