/**
 * The per-network GPU state every program shares: the `Net` struct of shaders/net.wgsl (read by
 * the matmul, residual, flow and fused-step kernels) — learning rate η, weight decay λ, frozen flag
 * (a u32, set once the loss kernel finds the network diverged) and the loss at the first check
 * (−1 until then; the divergence bound is relative to it). test/unit/nets.test.ts checks this
 * layout against the WGSL declaration.
 */

export interface NetworkHyper {
  lr: number;
  weightDecay: number;
}

/** The struct's fields in declaration order, each one 4-byte word: its index is its word offset. */
export const NET_FIELDS = [
  { name: 'lr', type: 'f32' },
  { name: 'weight_decay', type: 'f32' },
  { name: 'frozen', type: 'u32' },
  { name: 'initial_loss', type: 'f32' },
] as const;

/** f32 words per network in the `nets` buffer. */
export const NET_FLOATS = NET_FIELDS.length;

/** Word offset of a field within a network's words. */
export function netWord(name: (typeof NET_FIELDS)[number]['name']): number {
  return NET_FIELDS.findIndex((field) => field.name === name);
}

/**
 * Initial contents of `nets`: fresh from the hyperparameters, or the words a snapshot saved, so
 * a resumed batch keeps its frozen flags and first losses. Typed-array copies move the words bit
 * for bit (the frozen flag is an integer, not a float).
 */
export function netsData(hyper: NetworkHyper[], saved?: Float32Array): Float32Array {
  if (saved) return saved.slice();
  const data = new Float32Array(hyper.length * NET_FLOATS);
  hyper.forEach((h, b) => {
    const at = b * NET_FLOATS;
    data[at + netWord('lr')] = h.lr;
    data[at + netWord('weight_decay')] = h.weightDecay;
    data[at + netWord('initial_loss')] = -1;
  });
  return data;
}
