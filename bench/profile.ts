/**
 * `npm run bench -- --profile`: where a step's GPU time goes, measured with timestamp queries
 * around each phase of the step (BatchProgram.phases: forward products, task residual, record,
 * backward products, updates; for the flow its own phases), on adapters that offer
 * 'timestamp-query'. Each phase runs in its own compute pass so it can be timed, and every step is
 * submitted and read back on its own: the profile says how the time divides, the throughput runs
 * (one pass per chunk of steps, nothing awaited) say how fast the whole is.
 */
import type { GpuContext } from '../src/gpu/device.js';
import { Simulator } from '../src/engine/simulator.js';
import { encodePhases, type Phase } from '../src/engine/program.js';
import { type Workload, workloadConfig } from './workloads.js';

export interface PhaseTiming {
  name: string;
  /** Times the phase ran: every step, or every record step for the record. */
  calls: number;
  msPerCall: number;
  /** Share of the GPU time of all phases over the profiled steps. */
  share: number;
}

export interface WorkloadProfile {
  workload: string;
  steps: number;
  /** GPU milliseconds per step, recording included at its record.every rate. */
  msPerStep: number;
  phases: PhaseTiming[];
}

/** Records profiled per workload: enough to average, few enough that per-step readbacks stay cheap. */
const PROFILED_RECORDS = 10;

export async function profileWorkload(gpu: GpuContext, workload: Workload): Promise<WorkloadProfile> {
  const device = gpu.device;
  if (!device.features.has('timestamp-query'))
    throw new Error(`the adapter ${gpu.adapter.name} offers no 'timestamp-query'; profiles need it`);
  const steps = PROFILED_RECORDS * workload.every;
  const sim = await Simulator.create(gpu, workloadConfig(workload, steps, 'gpu'));
  const most = Math.max(sim.program.phases(0).length, sim.program.phases().length);
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * most });
  const resolved = device.createBuffer({
    size: 16 * most,
    usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
  });
  const staging = device.createBuffer({ size: 16 * most, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const totals = new Map<string, { ns: number; calls: number }>();

  const timeStep = async (phases: readonly Phase[]) => {
    const encoder = device.createCommandEncoder({ label: 'profiled step' });
    phases.forEach((phase, i) => {
      const pass = encoder.beginComputePass({
        label: phase.name,
        timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
      });
      encodePhases(pass, [phase]);
      pass.end();
    });
    encoder.resolveQuerySet(querySet, 0, 2 * phases.length, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, 16 * phases.length);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const stamps = new BigUint64Array(staging.getMappedRange().slice(0, 16 * phases.length));
    staging.unmap();
    return phases.map((phase, i) => ({ name: phase.name, ns: Number(stamps[2 * i + 1]! - stamps[2 * i]!) }));
  };

  try {
    // One untimed record step first: drivers may finish compiling pipelines at their first use.
    await timeStep(sim.program.phases(0));
    for (let t = 0; t < steps; t++) {
      for (const { name, ns } of await timeStep(sim.program.phases(t % workload.every === 0 ? 0 : undefined))) {
        const total = totals.get(name) ?? { ns: 0, calls: 0 };
        total.ns += ns;
        total.calls += 1;
        totals.set(name, total);
      }
    }
    gpu.throwIfFailed();
  } finally {
    querySet.destroy();
    resolved.destroy();
    staging.destroy();
    sim.destroy();
  }
  const allNs = [...totals.values()].reduce((sum, t) => sum + t.ns, 0);
  return {
    workload: workload.name,
    steps,
    msPerStep: allNs / steps / 1e6,
    phases: [...totals].map(([name, t]) => ({
      name,
      calls: t.calls,
      msPerCall: t.ns / t.calls / 1e6,
      share: allNs > 0 ? t.ns / allNs : 0,
    })),
  };
}

export function formatProfile(profiles: WorkloadProfile[]): string {
  const rows = profiles.flatMap((p) =>
    p.phases.map(
      (phase, i) =>
        `| ${i === 0 ? `${p.workload} (${p.msPerStep.toFixed(2)} ms/step)` : ''} | ${phase.name} | ${phase.msPerCall.toFixed(3)} | ${phase.calls} | ${(100 * phase.share).toFixed(1)}% |`,
    ),
  );
  return [
    '| workload (GPU time per step) | phase | ms per call | calls | share |',
    '|---|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
