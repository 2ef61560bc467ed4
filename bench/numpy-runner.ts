/**
 * Node-only: runs baseline (d), bench/numpy_baseline.py, on a workload's inputs. The inputs go
 * through files (raw float32, as the GPU sees them) because a huge workload's 16,384 networks are
 * 64 MiB of weights, too much for JSON on a command line or a pipe's comfort.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Measured, Plan } from './budget.js';
import type { WorkloadInputs } from './workloads.js';

export interface NumpyMeasured extends Measured {
  networkStepsPerSecond: number;
  gflops: number;
  flopsPerNetworkStep: number;
  numpy: string;
}

/** Why numpy cannot run here (python3 missing or numpy not importable), or undefined when it can. */
export function numpyUnavailable(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.error) return `python3 not found (${probe.error.message})`;
  if (probe.status !== 0) return `python3 -c "import numpy" failed: ${probe.stderr.trim().split('\n').at(-1)}`;
  return undefined;
}

// This module runs from source (vitest) and bundled into dist/node/bench.js, one folder deeper.
const SCRIPT = [
  new URL('./numpy_baseline.py', import.meta.url),
  new URL('../../bench/numpy_baseline.py', import.meta.url),
]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path));

export async function runNumpy(inputs: WorkloadInputs, plan: Plan): Promise<NumpyMeasured> {
  if (!SCRIPT) throw new Error('bench/numpy_baseline.py not found beside this module or two folders up');
  const folder = mkdtempSync(join(tmpdir(), 'dlnsim-numpy-'));
  try {
    const { widths, task, layers } = inputs;
    writeFileSync(
      join(folder, 'inputs.json'),
      JSON.stringify({
        widths,
        steps: plan.steps,
        every: plan.every,
        budgetSeconds: plan.budgetSeconds,
        lossScale: task.lossScale,
        lr: inputs.lr,
        weightDecay: inputs.weightDecay,
      }),
    );
    writeFileSync(join(folder, 'target.f32'), Float32Array.from(task.target.data));
    // Layer-major (all networks' W_1, then all W_2, …): each layer is one (B, n_k, n_{k-1}) array.
    const flat = new Float32Array(layers.length * widths.slice(1).reduce((sum, n, k) => sum + n * widths[k]!, 0));
    let offset = 0;
    for (let k = 0; k < widths.length - 1; k++) {
      for (const network of layers) {
        flat.set(network[k]!.data, offset);
        offset += network[k]!.data.length;
      }
    }
    writeFileSync(join(folder, 'layers.f32'), flat);
    // A host may force these two (a CPU type and cache size meant for another OpenBLAS build or
    // an emulated CPU); numpy's bundled OpenBLAS must detect this CPU itself, or it is timed with
    // someone else's tuning. Removed for this timed child only; nothing else changes the environment.
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const { stdout } = await promisify(execFile)('python3', [SCRIPT, folder], { env, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as NumpyMeasured;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
