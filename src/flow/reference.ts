/**
 * Float64 CPU reference of the depth-normalised end-to-end flow (SPEC §6, Cohen–Menon–Veraszto):
 *
 *   dW/dt = −(1/N) A_N(W)[G] − λ W      (N = ∞: −A_∞(W)[G] − λ W),   G = ∇_W C(W),
 *
 * integrated with step η = train.lr, t = η · step. From a balanced start this is the limit of
 * layerwise gradient descent with layer step η/N and weight decay λ (docs/flow.md derives the
 * −λW term), and the GPU flow is checked against it.
 */
import type { FlowDepth } from '../config/types.js';
import { ConfigError, DlnsimError } from '../errors.js';
import { type Matrix, clone, combine } from '../linalg/matrix.js';
import type { TaskData } from '../problem/types.js';
import { taskGradient, taskLoss } from '../reference/loss.js';
import { eulerStep, rk4Step } from './integrators.js';
import { assertFlowDepth } from './multipliers.js';
import { DEFAULT_FLOW_TOLERANCE, endToEndOperator } from './operator.js';

export type FlowIntegrator = 'euler' | 'rk4';

export interface FlowOptions {
  depth: FlowDepth;
  /** the step η; t = η · step. */
  lr: number;
  integrator: FlowIntegrator;
  /** σ < tolerance · σ_max counts as 0 (default DEFAULT_FLOW_TOLERANCE). */
  tolerance?: number;
  /** layer weight decay λ (train.weightDecay); adds −λW. Default 0. */
  weightDecay?: number;
}

const STEPPERS = { euler: eulerStep, rk4: rk4Step } as const;

/** dW/dt of the depth-normalised flow at W: −(1/N) A_N(W)[G] − λW. */
export function flowVelocity(task: TaskData, w: Matrix, depth: FlowDepth, tolerance: number, weightDecay = 0): Matrix {
  const drift = endToEndOperator(w, taskGradient(task, w), depth, { normalised: true, tolerance });
  return combine(-1, drift, -weightDecay, w);
}

export class ReferenceFlow {
  /** The options in force, defaults filled in, so results can report the tolerance used. */
  readonly options: Required<FlowOptions>;
  private current: Matrix;
  private count = 0;

  constructor(
    private readonly task: TaskData,
    w0: Matrix,
    options: FlowOptions,
  ) {
    this.options = resolveFlowOptions(options);
    if (w0.rows !== task.target.rows || w0.cols !== task.target.cols) {
      throw new DlnsimError(
        `ReferenceFlow: W(0) is ${w0.rows}×${w0.cols} but the task's target is ${task.target.rows}×${task.target.cols}`,
      );
    }
    this.current = clone(w0);
  }

  step(): void {
    const { depth, lr, integrator, tolerance, weightDecay } = this.options;
    const velocity = (w: Matrix) => flowVelocity(this.task, w, depth, tolerance, weightDecay);
    this.current = STEPPERS[integrator](velocity, this.current, lr);
    this.count++;
  }

  steps(n: number): void {
    for (let i = 0; i < n; i++) this.step();
  }

  /** A copy of W, so callers cannot change the flow's state by accident. */
  get w(): Matrix {
    return clone(this.current);
  }

  get stepCount(): number {
    return this.count;
  }

  /** t = η · step. */
  get time(): number {
    return this.count * this.options.lr;
  }

  /** C(W), without the weight-decay penalty. */
  loss(): number {
    return taskLoss(this.task, this.current);
  }
}

function resolveFlowOptions(options: FlowOptions): Required<FlowOptions> {
  const { depth, lr, integrator, tolerance = DEFAULT_FLOW_TOLERANCE, weightDecay = 0 } = options;
  assertFlowDepth(depth);
  if (!(lr > 0) || !Number.isFinite(lr))
    throw new ConfigError('train.lr', lr, 'the flow step η must be a finite number > 0');
  if (!(integrator in STEPPERS)) throw new ConfigError('train.integrator', integrator, 'use "euler" or "rk4"');
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay))
    throw new ConfigError('train.weightDecay', weightDecay, 'weight decay λ must be a finite number ≥ 0');
  if (!(tolerance >= 0 && tolerance < 1)) {
    throw new DlnsimError(
      `ReferenceFlow: tolerance = ${tolerance}; the singular-value threshold is relative to σ_max and must lie in [0, 1)`,
    );
  }
  return { depth, lr, integrator, tolerance, weightDecay };
}
