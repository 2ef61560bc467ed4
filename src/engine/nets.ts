/**
 * The per-network GPU state every program shares: the `Net` struct of matmul.wgsl, residual.wgsl
 * and flow.wgsl — learning rate η, weight decay λ, frozen flag (a u32, set once the loss kernel
 * finds the network diverged) and the loss at the first check (−1 until then; the divergence
 * bound is relative to it).
 */

export interface NetworkHyper {
  lr: number;
  weightDecay: number;
}

/** f32 words per network in the `nets` buffer. */
export const NET_FLOATS = 4;

/**
 * Initial contents of `nets`: fresh from the hyperparameters, or the words a snapshot saved, so
 * a resumed batch keeps its frozen flags and first losses. Typed-array copies move the words bit
 * for bit (the frozen flag is an integer, not a float).
 */
export function netsData(hyper: NetworkHyper[], saved?: Float32Array): Float32Array {
  if (saved) return saved.slice();
  const data = new Float32Array(hyper.length * NET_FLOATS);
  hyper.forEach((h, b) => data.set([h.lr, h.weightDecay, 0, -1], b * NET_FLOATS));
  return data;
}
