/**
 * What a bench run does, from the same options in Node (command-line flags) and in the browser
 * (query parameters), and the loop over workloads both runners share.
 */
import type { GpuContext } from '../src/gpu/device.js';
import { BASELINES, type BaselineName, LOSS_TOLERANCE, measureWorkload, type NumpyRunner } from './measure.js';
import type { BenchReport } from './report.js';
import type { Tf } from './tfjs-runner.js';
import { SMOKE_WORKLOAD, WORKLOADS, type Workload } from './workloads.js';

export interface BenchOptions {
  quick?: boolean;
  /** The browser test's tiny workload instead of the standard ones. */
  smoke?: boolean;
  /** Comma-separated workload names. */
  only?: string;
  /** Comma-separated baseline names. */
  baselines?: string;
  /** Seconds each baseline may train per workload. */
  budget?: string;
  /** Engine runs per spectra mode (the fastest counts). */
  repeat?: string;
}

export interface BenchPlan {
  quick: boolean;
  workloads: Workload[];
  baselines: BaselineName[];
  budgetSeconds: number;
  repeat: number;
}

/** `available`: the baselines this host can run (a page cannot start the numpy process). */
export function benchPlan(options: BenchOptions, available: readonly BaselineName[] = BASELINES): BenchPlan {
  const quick = options.quick ?? false;
  const all = options.smoke ? [SMOKE_WORKLOAD] : WORKLOADS;
  const names =
    options.only === undefined
      ? all.filter((w) => quick || !w.namedOnly).map((w) => w.name)
      : pick(
          'only',
          options.only,
          all.map((w) => w.name),
        );
  const chosen = all
    .filter((w) => names.includes(w.name))
    .map((w) => (quick && w.quickBatch ? { ...w, batch: w.quickBatch } : w));
  const budgetSeconds = options.budget !== undefined ? Number(options.budget) : options.smoke ? 1 : quick ? 5 : 30;
  if (!(budgetSeconds > 0)) throw new Error(`budget: give seconds > 0, got ${options.budget}`);
  const repeat = Number(options.repeat ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new Error(`repeat: give a whole number ≥ 1, got ${options.repeat}`);
  return {
    quick,
    workloads: chosen,
    baselines: pick('baselines', options.baselines, available),
    budgetSeconds,
    repeat,
  };
}

function pick<T extends string>(option: string, text: string | undefined, known: readonly T[]): T[] {
  if (text === undefined) return [...known];
  if (text === 'none') return [];
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !known.includes(n as T));
  if (unknown.length) throw new Error(`${option}: unknown ${unknown.join(', ')}; use some of ${known.join(', ')}`);
  return names as T[];
}

export interface BenchHooks {
  log: (line: string) => void;
  /** The host's 1/5/15-minute load averages, where it can tell (Node; the browser via Playwright). */
  loadAverage?: () => number[] | Promise<number[]>;
  cpus?: number;
}

/** The baselines that need a host's help: TF.js loaded, numpy's process runner (Node). */
export interface BaselineRunners {
  tf?: Tf;
  numpy?: NumpyRunner;
}

export async function runBench(
  gpu: GpuContext,
  plan: BenchPlan,
  runners: BaselineRunners,
  hooks: BenchHooks,
): Promise<BenchReport> {
  const report: BenchReport = {
    date: new Date().toISOString(),
    host: gpu.adapter.host,
    adapter: gpu.adapter,
    ...(hooks.cpus && { cpus: hooks.cpus }),
    quick: plan.quick,
    budgetSeconds: plan.budgetSeconds,
    repeat: plan.repeat,
    lossTolerance: LOSS_TOLERANCE,
    workloads: [],
  };
  for (const workload of plan.workloads) {
    const before = await hooks.loadAverage?.();
    const result = await measureWorkload(gpu, workload, {
      quick: plan.quick,
      budgetSeconds: plan.budgetSeconds,
      baselines: plan.baselines,
      repeat: plan.repeat,
      ...runners,
      log: hooks.log,
    });
    const after = await hooks.loadAverage?.();
    report.workloads.push({ ...result, ...(before && after && { loadAverage: { before, after } }) });
  }
  return report;
}
