/**
 * Ensembles at a glance: above ENSEMBLE_THRESHOLD networks one line per network is unreadable, so
 * the plots draw, per sweep point (the networks that differ only in init.seed), the median and the
 * 10–90% band of a quantity over time, plus a few networks faintly. The quantiles are cached per
 * record step and recomputed only while some network of the point has not recorded that step yet,
 * so a refresh costs O(steps still arriving × networks), not O(steps × networks).
 */
import { quantile } from '../analysis/statistics.js';
import { formatOverrides } from '../display/format.js';
import type { History, RunHistory } from './history.js';
import { runColour } from '../display/palette.js';

/** More networks than this and the plots switch to bands per sweep point. */
export const ENSEMBLE_THRESHOLD = 24;
/** The band: these quantiles around the median. */
export const BAND = [0.1, 0.9] as const;

export interface SweepPointGroup {
  /** The sweep values without init.seed, e.g. "train.flowDepth = 5"; "all networks" without a sweep. */
  label: string;
  colour: string;
  runs: RunHistory[];
}

/** The networks grouped by sweep point, in order of first appearance (run id). */
export function sweepPointGroups(history: History): SweepPointGroup[] {
  const groups = new Map<string, SweepPointGroup>();
  for (const run of history.runs) {
    const { 'init.seed': _seed, ...point } = run.run.overrides;
    const label = formatOverrides(point);
    let group = groups.get(label);
    if (!group)
      groups.set(
        label,
        (group = { label: label === '—' ? 'all networks' : label, colour: runColour(groups.size), runs: [] }),
      );
    group.runs.push(run);
  }
  return [...groups.values()];
}

export function isEnsemble(history: History): boolean {
  return history.runs.length > ENSEMBLE_THRESHOLD;
}

/** The value a quantity takes for a network at one of its records, or null where it has none. */
export type RecordValue = (run: RunHistory, recordIndex: number) => number | null;

export interface Quantiles {
  lo: (number | null)[];
  median: (number | null)[];
  hi: (number | null)[];
}

/** Median and band of one quantity over one group's networks, aligned to a list of steps. */
export class QuantileTrack {
  private readonly cache = new Map<
    number,
    { count: number; lo: number | null; median: number | null; hi: number | null }
  >();

  constructor(
    private readonly runs: readonly RunHistory[],
    private readonly value: RecordValue,
  ) {}

  at(steps: readonly number[]): Quantiles {
    const out: Quantiles = { lo: [], median: [], hi: [] };
    const lastSteps = this.runs.map((run) => run.steps[run.last] ?? -1);
    for (const step of steps) {
      const complete = lastSteps.filter((last) => last >= step).length;
      let entry = this.cache.get(step);
      if (!entry || entry.count < complete) {
        entry = { count: complete, ...this.compute(step) };
        this.cache.set(step, entry);
      }
      out.lo.push(entry.lo);
      out.median.push(entry.median);
      out.hi.push(entry.hi);
    }
    return out;
  }

  private compute(step: number): { lo: number | null; median: number | null; hi: number | null } {
    const values: number[] = [];
    for (const run of this.runs) {
      const index = run.indexOf(step);
      if (index === undefined) continue;
      const v = this.value(run, index);
      if (v !== null && Number.isFinite(v)) values.push(v);
    }
    if (values.length === 0) return { lo: null, median: null, hi: null };
    values.sort((a, b) => a - b);
    return { lo: quantile(values, BAND[0]), median: quantile(values, 0.5), hi: quantile(values, BAND[1]) };
  }
}
