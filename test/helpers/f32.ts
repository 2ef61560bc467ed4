/**
 * Comparing GPU (f32) runs with the Float64 references: the task data as the GPU sees it, and the
 * relative error measure the GPU tests use.
 */
import { combine, frobenius, type Matrix } from '../../src/linalg/matrix.js';
import type { TaskData } from '../../src/problem/types.js';

/** ‖a − b‖_F / ‖b‖_F. */
export const relative = (a: Matrix, b: Matrix) => frobenius(combine(1, a, -1, b)) / Math.max(frobenius(b), 1e-30);

export const f32 = (m: Matrix): Matrix => ({ ...m, data: m.data.map(Math.fround) });

/** The task as the GPU sees it: every number rounded to f32. */
export function f32Task(task: TaskData): TaskData {
  return {
    ...task,
    target: f32(task.target),
    ...(task.mask && { mask: f32(task.mask) }),
    ...(task.sxx && { sxx: f32(task.sxx) }),
    ...(task.syx && { syx: f32(task.syx) }),
    ...(task.sensing && { sensing: { a: f32(task.sensing.a), y: task.sensing.y.map(Math.fround) } }),
  };
}
