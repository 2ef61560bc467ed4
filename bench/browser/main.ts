/**
 * The bench page: the same workloads and baselines as `npm run bench`, on the browser's WebGPU.
 * Options come from the query string (see index.html). When done it shows the table and sets
 * `window.dlnsimBench` = { report, table } or { error }, and body[data-done], for the Playwright runner.
 */
import { acquireDevice } from '../../src/gpu/device.js';
import { BASELINES, compareKernels } from '../measure.js';
import { benchPlan, runBench } from '../plan.js';
import { formatTable } from '../report.js';
import { loadTfjs } from '../tfjs-runner.js';

const logElement = document.getElementById('log')!;
const log = (line: string) => {
  logElement.textContent += `${new Date().toLocaleTimeString()} ${line}\n`;
};

/** Playwright exposes the host's os.loadavg() to the page under this name. */
const hostLoad = (window as { dlnsimLoadAverage?: () => Promise<number[]> }).dlnsimLoadAverage;

async function main() {
  const query = new URLSearchParams(location.search);
  const value = (name: string) => query.get(name) ?? undefined;
  // numpy runs as a Python child process, which only the Node runner can start.
  const available = BASELINES.filter((b) => b !== 'numpy');
  const plan = benchPlan(
    {
      quick: query.has('quick'),
      smoke: query.has('smoke'),
      only: value('only'),
      baselines: value('baselines'),
      budget: value('budget'),
      repeat: value('repeat'),
    },
    available,
  );
  const gpu = await acquireDevice();
  log(`adapter: ${gpu.adapter.name}`);
  try {
    const tf = plan.baselines.includes('tfjs') ? await loadTfjs() : undefined;
    const report = await runBench(
      gpu,
      plan,
      { ...(tf && { tf }) },
      { log, ...(hostLoad && { loadAverage: hostLoad }), cpus: navigator.hardwareConcurrency },
    );
    // Both step kernels forced: "auto" would time only the one this adapter picks (layered on SwiftShader).
    for (const result of report.workloads)
      result.kernels = await compareKernels(gpu, result.workload, result.steps, plan.repeat, log);
    const table = formatTable(report);
    document.getElementById('table')!.textContent = table;
    return { report, table };
  } finally {
    gpu.destroy();
  }
}

main()
  .then(
    (result) => Object.assign(window, { dlnsimBench: result }),
    (error: unknown) => {
      log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      Object.assign(window, { dlnsimBench: { error: String(error) } });
    },
  )
  .finally(() => (document.body.dataset.done = 'true'));
