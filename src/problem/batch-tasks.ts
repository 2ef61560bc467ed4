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
