/** Runs grouped by one config quantity (a depth, a λ, a flow depth), each group with a colour, in ascending order. */
import type { ExperimentRun } from '../../experiment/types.js';
import { runColour } from '../../display/palette.js';

export interface RunGroup<K> {
  key: K;
  label: string;
  colour: string;
  runs: ExperimentRun[];
}

export function groupBy<K extends number | string>(
  runs: readonly ExperimentRun[],
  key: (run: ExperimentRun) => K,
  label: (key: K) => string,
): RunGroup<K>[] {
  const groups = new Map<K, ExperimentRun[]>();
  for (const run of runs) {
    const k = key(run);
    const list = groups.get(k);
    if (list) list.push(run);
    else groups.set(k, [run]);
  }
  const order = (k: K) => (typeof k === 'number' ? k : Number.POSITIVE_INFINITY);
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([k, list], i) => ({ key: k, label: label(k), colour: runColour(i), runs: list }));
}

export const depthOf = (run: ExperimentRun) => run.config.widths.length - 1;
