/**
 * The GPU programs a batch can run, chosen by `train.method`. Each knows how many dispatches a
 * step takes (to size command buffers before building) and how to build itself for a batch.
 */
import type { ResolvedConfig, Run } from '../config/types.js';
import { initialLayers } from '../problem/init.js';
import type { TaskData } from '../problem/types.js';
import { endToEnd } from '../reference/loss.js';
import { FlowProgram, flowDispatchesPerStep } from './flow-program.js';
import { LayerProgram } from './layer-program.js';
import type { BatchProgram } from './program.js';
import type { RecordLayout } from './records.js';

export interface ProgramSpec {
  runs: Run[];
  task: TaskData;
  layout: RecordLayout;
  slots: number;
}

export interface ProgramFactory {
  dispatchesPerStep(config: ResolvedConfig): number;
  build(device: GPUDevice, spec: ProgramSpec): BatchProgram;
}

const layers: ProgramFactory = {
  // N − 1 forward and backward products, N updates, one or two task kernels.
  dispatchesPerStep: (config) => 3 * (config.widths.length - 1) + 1,
  build(device, { runs, task, layout, slots }) {
    const first = runs[0]!.config;
    return new LayerProgram(device, {
      widths: first.widths,
      task,
      layers: runs.map((run) => initialLayers(run.config, task)),
      hyper: runs.map((r) => ({ lr: r.config.train.lr, weightDecay: r.config.train.weightDecay })),
      divergenceFactor: first.train.divergenceFactor,
      layout,
      slots,
    });
  },
};

const flow: ProgramFactory = {
  dispatchesPerStep: (config) => flowDispatchesPerStep(config.task.kind, config.train.flowDepth, config.train.integrator),
  build(device, { runs, task, layout, slots }) {
    const first = runs[0]!.config;
    return new FlowProgram(device, {
      task,
      // W(0) = W_N(0)⋯W_1(0) of the configured init (balanced for the flow to describe layer training).
      initial: runs.map((run) => endToEnd(initialLayers(run.config, task))),
      hyper: runs.map((r) => ({ lr: r.config.train.lr, weightDecay: r.config.train.weightDecay })),
      depth: first.train.flowDepth,
      tolerance: first.train.flowThreshold,
      integrator: first.train.integrator,
      divergenceFactor: first.train.divergenceFactor,
      layout,
      slots,
    });
  },
};

export const PROGRAMS: Partial<Record<ResolvedConfig['train']['method'], ProgramFactory>> = { layers, flow };
