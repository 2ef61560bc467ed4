/**
 * The GPU programs a batch can run, chosen by `train.method`. Each knows how many dispatches a
 * step takes (to size command buffers before building), the shapes of its state matrices, and
 * how to build itself for a batch: from the configured initialisation, or from a snapshot's state.
 */
import type { ResolvedConfig, Run } from '../config/types.js';
import { DlnsimError } from '../errors.js';
import { fromArray, type Matrix } from '../linalg/matrix.js';
import { initialLayers } from '../problem/init.js';
import type { TaskData } from '../problem/types.js';
import { endToEnd } from '../reference/loss.js';
import { FlowProgram, flowDispatchesPerStep } from './flow-program.js';
import { FusedProgram } from './fused-program.js';
import { kernelPath } from './kernel-path.js';
import { LayerProgram } from './layer-program.js';
import { linearDispatches } from './linearized.js';
import type { BatchProgram } from './program.js';
import type { RecordLayout } from './records.js';

/** Where a resumed batch starts: its state matrices (batch-major f32) and `nets` words. */
export interface ProgramStart {
  state: Float32Array[];
  nets: Float32Array;
}

export interface ProgramSpec {
  runs: Run[];
  /** Run b's task (problem/batch-tasks.ts). */
  tasks: readonly TaskData[];
  layout: RecordLayout;
  slots: number;
  start?: ProgramStart;
}

export interface ProgramFactory {
  dispatchesPerStep(config: ResolvedConfig): number;
  /** [rows, cols] of every state matrix of one network, in BatchProgram.state's order. */
  stateShapes(config: ResolvedConfig): [number, number][];
  build(device: GPUDevice, spec: ProgramSpec): BatchProgram;
}

/** Network b's matrices out of batch-major state arrays (a snapshot's, or read back). */
export function networkMatrices(
  state: readonly Float32Array[],
  shapes: readonly [number, number][],
  b: number,
): Matrix[] {
  return shapes.map(([rows, cols], i) => fromArray(rows, cols, state[i]!, b * rows * cols));
}

const hyper = (runs: Run[]) => runs.map((r) => ({ lr: r.config.train.lr, weightDecay: r.config.train.weightDecay }));

const layers: ProgramFactory = {
  // N − 1 forward and backward products, N updates, one or two task kernels; and the linearised model's.
  dispatchesPerStep: (config) =>
    3 * (config.widths.length - 1) +
    1 +
    (config.record.linearized ? linearDispatches(config.task.kind, config.widths.length - 1) : 0),
  stateShapes: ({ widths }) => widths.slice(1).map((rows, k) => [rows, widths[k]!]),
  build(device, { runs, tasks, layout, slots, start }) {
    const first = runs[0]!.config;
    const shapes = this.stateShapes(first);
    if (start && first.record.linearized) {
      // The linear model's A_lin is not part of a snapshot, so it could only restart from the resumed layers: a different model.
      throw new DlnsimError(
        'record.linearized runs cannot resume from a snapshot: the linearised model is not saved with it; rerun from the start',
      );
    }
    const Program = kernelPath(device, first, tasks[0]!) === 'fused' ? FusedProgram : LayerProgram;
    return new Program(device, {
      widths: first.widths,
      tasks,
      layers: runs.map((run, b) =>
        start ? networkMatrices(start.state, shapes, b) : initialLayers(run.config, tasks[b]!),
      ),
      hyper: hyper(runs),
      savedNets: start?.nets,
      divergenceFactor: first.train.divergenceFactor,
      layout,
      svd: first.record.svd,
      slots,
      linearized: first.record.linearized,
    });
  },
};

const flow: ProgramFactory = {
  dispatchesPerStep: (config) =>
    flowDispatchesPerStep(config.task.kind, config.train.flowDepth, config.train.integrator),
  stateShapes: ({ widths }) => [[widths[widths.length - 1]!, widths[0]!]],
  build(device, { runs, tasks, layout, slots, start }) {
    const first = runs[0]!.config;
    const shapes = this.stateShapes(first);
    return new FlowProgram(device, {
      tasks,
      // W(0) = W_N(0)⋯W_1(0) of the configured init (balanced for the flow to describe layer training).
      initial: runs.map((run, b) =>
        start ? networkMatrices(start.state, shapes, b)[0]! : endToEnd(initialLayers(run.config, tasks[b]!)),
      ),
      hyper: hyper(runs),
      savedNets: start?.nets,
      depth: first.train.flowDepth,
      tolerance: first.train.flowThreshold,
      integrator: first.train.integrator,
      divergenceFactor: first.train.divergenceFactor,
      layout,
      svd: first.record.svd,
      slots,
    });
  },
};

export const PROGRAMS: Partial<Record<ResolvedConfig['train']['method'], ProgramFactory>> = { layers, flow };
