/**
 * `npm run bench`: the throughput benchmark in Node (Dawn; SwiftShader when there is no GPU).
 * Prints a Markdown table (with the fused-vs-layered comparison of each workload) and writes
 * bench/results.json; exits 1 if any baseline's losses, or the two step kernels', disagree.
 *
 *   npm run bench -- [--quick] [--only ensemble,mid] [--baselines reference,float32,tfjs,numpy] [--budget 30] [--repeat 1] [--out bench/results.json]
 *   npm run bench -- --profile [--only ...] [--out bench/profile.json]   GPU time per phase of a step (bench/profile.ts)
 *   npm run bench -- --host-scaling [--quick] [--out bench/results-host.json]   the host side, no GPU (bench/host-scaling.ts)
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { boundHeapGrowth } from '../src/cli/heap-growth.js';
import { acquireDevice } from '../src/gpu/device.js';
import { requestNodeAdapter } from '../src/gpu/node-gpu.js';
import { formatHostScaling, hostScaling } from './host-scaling.js';
import { benchPlan, runBench } from './plan.js';
import { formatProfile, profileWorkload } from './profile.js';
import { compareKernels } from './measure.js';
import { disagreements, formatTable } from './report.js';
import { numpyUnavailable, runNumpy } from './numpy-runner.js';
import { loadTfjs } from './tfjs-runner.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    baselines: { type: 'string' },
    budget: { type: 'string' },
    repeat: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'boolean' },
    'host-scaling': { type: 'boolean' },
  },
});

if (args['host-scaling']) {
  // As the CLI runs (src/cli/heap-growth.ts), so the peak memory measured is the CLI's.
  boundHeapGrowth();
  const rows = await hostScaling(args.quick ?? false, (line) => console.error(line));
  const out = args.out ?? 'bench/results-host.json';
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), loadAverage: loadavg(), cpus: cpus().length, rows }, null, 2)}\n`,
  );
  console.log(
    `host-scaling (load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ${cpus().length} CPUs)\n\n${formatHostScaling(rows)}\n\nwrote ${out}`,
  );
  process.exit(0);
}
const plan = benchPlan(args);
// numpy is optional: without python3 and numpy the bench runs the other baselines and says so.
const numpyMissing = plan.baselines.includes('numpy') ? numpyUnavailable() : undefined;
if (numpyMissing) {
  console.error(`numpy baseline skipped: ${numpyMissing}`);
  plan.baselines = plan.baselines.filter((b) => b !== 'numpy');
}

if (args.profile) {
  const gpu = await acquireDevice({ optionalFeatures: ['timestamp-query'] });
  if (!gpu.device.features.has('timestamp-query')) {
    console.error(
      `--profile: the adapter ${gpu.adapter.name} offers no 'timestamp-query'; run it where the adapter has it (Dawn's Vulkan adapters, SwiftShader included, do)`,
    );
    process.exit(2);
  }
  const profiles = [];
  for (const workload of plan.workloads) {
    console.error(`profiling ${workload.name}`);
    profiles.push(await profileWorkload(gpu, workload));
  }
  gpu.destroy();
  const out = args.out ?? 'bench/profile.json';
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), adapter: gpu.adapter, loadAverage: loadavg(), profiles }, null, 2)}\n`,
  );
  console.log(`adapter: ${gpu.adapter.name}\n\n${formatProfile(profiles)}\n\nwrote ${out}`);
  process.exit(0);
}

const gpu = await acquireDevice();
// TF.js gets its own Dawn instance on the same adapter: its backend makes its own device.
const tf = plan.baselines.includes('tfjs') ? await loadTfjs((await requestNodeAdapter()).gpu) : undefined;
const numpy = plan.baselines.includes('numpy') ? runNumpy : undefined;
const report = await runBench(
  gpu,
  plan,
  { ...(tf && { tf }), ...(numpy && { numpy }) },
  { log: (line) => console.error(line), loadAverage: loadavg, cpus: cpus().length },
);
// Both step kernels forced, as on the browser page: "auto" times only the one this adapter picks.
for (const result of report.workloads) {
  result.kernels = await compareKernels(gpu, result.workload, result.steps, plan.repeat, (line) => console.error(line));
}
gpu.destroy();

const out = args.out ?? 'bench/results.json';
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(formatTable(report));
if (numpyMissing) console.log(`\nnumpy baseline skipped: ${numpyMissing}`);
console.log(`\nwrote ${out}`);
const failures = disagreements(report);
for (const failure of failures) console.error(`LOSS MISMATCH ${failure}`);
process.exit(failures.length ? 1 : 0);
