/**
 * Baseline (c): the same layerwise GD (SPEC §3) written the way a TensorFlow.js user would, on its
 * WebGPU backend: every layer of the whole batch is one rank-3 tensor, products are batched
 * tf.matMul, each step is one tf.tidy. It records losses every k steps (no spectra), which is
 * also where the loop synchronises with the GPU to check its time budget.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Measured, Plan } from './budget.js';
import type { WorkloadInputs } from './workloads.js';

export type Tf = typeof TF;

/**
 * Loads tfjs-core and its WebGPU backend and selects it. The backend registers itself at import
 * only when `navigator.gpu` exists, so in Node pass Dawn's GPU object to install it there first.
 */
export async function loadTfjs(gpu?: GPU): Promise<Tf> {
  if (gpu) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('TensorFlow.js could not initialise its webgpu backend');
  await tf.ready();
  return tf;
}

export async function runTfjs(tf: Tf, inputs: WorkloadInputs, plan: Plan): Promise<Measured> {
  const { widths, task, layers } = inputs;
  const batch = layers.length;
  const depth = widths.length - 1;
  const rows = widths[depth]!;
  const cols = widths[0]!;
  const scale = task.lossScale;
  const column = (values: number[]) => tf.tensor3d(Float32Array.from(values), [batch, 1, 1]);
  const target = tf.tensor3d(Float32Array.from(task.target.data), [1, rows, cols]);
  const lr = column(inputs.lr);
  const decay = column(inputs.lr.map((eta, b) => 1 - eta * inputs.weightDecay[b]!));
  const initial = () =>
    widths.slice(1).map((n, k) => {
      const data = new Float32Array(batch * n * widths[k]!);
      layers.forEach((network, b) => data.set(network[k]!.data, b * n * widths[k]!));
      return tf.tensor3d(data, [batch, n, widths[k]!]);
    });

  // prefix[i] = W_{i+1}⋯W_1, so prefix[N−1] is the end-to-end matrix E.
  const forward = (w: TF.Tensor3D[]) => {
    const prefix = [w[0]!];
    for (let k = 1; k < depth; k++) prefix.push(tf.matMul(w[k]!, prefix[k - 1]!));
    return prefix;
  };
  const step = (w: TF.Tensor3D[]): TF.Tensor3D[] =>
    tf.tidy(() => {
      const prefix = forward(w);
      const residual = tf.sub<TF.Tensor3D>(prefix[depth - 1]!, target);
      // q[i] = Q_{i+1}; every Q from the old weights (SPEC §3).
      const q: TF.Tensor3D[] = [];
      q[depth - 1] = scale === 1 ? residual : tf.mul<TF.Tensor3D>(residual, scale);
      for (let k = depth - 1; k >= 1; k--) q[k - 1] = tf.matMul(w[k]!, q[k]!, true, false);
      return w.map((wk, k) =>
        tf.sub<TF.Tensor3D>(
          tf.mul(wk, decay),
          tf.mul(lr, k === 0 ? q[0]! : tf.matMul(q[k]!, prefix[k - 1]!, false, true)),
        ),
      );
    });
  const losses = (w: TF.Tensor3D[]) =>
    tf.tidy(() => tf.mul(tf.sum(tf.square(tf.sub(forward(w)[depth - 1]!, target)), [1, 2]), scale / 2));

  // Warm-up on a copy: the backend compiles each kernel at its first use, which is not training.
  const scratch = initial();
  const warm = step(scratch);
  await losses(warm).data();
  tf.dispose([...scratch, ...warm]);

  let w = initial();
  let last: Float32Array | Int32Array | Uint8Array = new Float32Array(batch);
  let steps = 0;
  const started = performance.now();
  while (steps < plan.steps) {
    const next = step(w);
    tf.dispose(w);
    w = next;
    steps++;
    if (steps % plan.every === 0 || steps === plan.steps) {
      const recorded = losses(w);
      last = await recorded.data();
      recorded.dispose();
      if (performance.now() - started > plan.budgetSeconds * 1000) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([...w, target, lr, decay]);
  return { networks: batch, steps, seconds, losses: Array.from(last) };
}
