/**
 * The task instances of one GPU batch, one per network. Usually every network shares one instance
 * (a sweep of init seeds, learning rates or weight decays); for the elementwise tasks a batch may
 * also mix task seeds, observed fractions and noise levels — each network its own target and mask
 * (completion, with its |Ω|) or noisy target (factorization) — which task-kernels.ts stacks
 * network-major. That is what lets a study over many (mask, target) draws and fractions train as
 * one batch instead of one batch per draw.
 */
import type { ResolvedConfig } from '../config/types.js';
import { invariant } from '../errors.js';
import { buildTask } from './task.js';
import type { TaskData } from './types.js';

/** Each config's task, built once per distinct task section (replicas of a sweep point share theirs by reference). */
export function batchTasks(configs: readonly ResolvedConfig[]): TaskData[] {
  const bySection = new Map<ResolvedConfig['task'], TaskData>();
  const byText = new Map<string, TaskData>();
  return configs.map((config) => {
    let task = bySection.get(config.task);
    if (!task) {
      const text = JSON.stringify(config.task);
      task = byText.get(text) ?? buildTask(config);
      byText.set(text, task);
      bySection.set(config.task, task);
    }
    return task;
  });
}

/** The one task every network shares, or null when they differ (checked to differ only where batchTasks allows). */
export function sharedTask(tasks: readonly TaskData[]): TaskData | null {
  const first = tasks[0];
  invariant(first !== undefined, () => 'a batch has at least one network');
  if (tasks.every((task) => task === first)) return first;
  invariant(
    tasks.every(
      (task) =>
        (task.kind === 'factorization' || task.kind === 'completion') &&
        task.kind === first.kind &&
        task.lossScale === first.lossScale &&
        (task.heldOut === undefined) === (first.heldOut === undefined),
    ),
    () => 'networks of one batch differ only in the target, mask and |Ω| of an elementwise task',
  );
  return null;
}

/**
 * One array of every network's `pick(task)`, network-major, as the kernels read task data: a
 * single copy (stride 0) when the batch shares its task, else `stride` floats per network.
 * `pick` runs once per distinct task, not once per network.
 */
export function stackedData(
  tasks: readonly TaskData[],
  pick: (task: TaskData) => ArrayLike<number>,
): { data: Float32Array; stride: number } {
  const first = pick(tasks[0]!);
  if (sharedTask(tasks)) return { data: Float32Array.from(first), stride: 0 };
  const picked = new Map<TaskData, ArrayLike<number>>([[tasks[0]!, first]]);
  const stride = first.length;
  const data = new Float32Array(tasks.length * stride);
  tasks.forEach((task, b) => {
    let values = picked.get(task);
    if (!values) picked.set(task, (values = pick(task)));
    data.set(values, b * stride);
  });
  return { data, stride };
}
