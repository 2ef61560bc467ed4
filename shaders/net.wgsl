// Per-network hyperparameters and state, one per network in the `nets` buffer: declared once here
// and put in front of every kernel that reads or writes `nets` (matmul, residual, flow, fused
// step; src/kernels/wgsl.ts). src/engine/nets.ts mirrors the layout on the host (NET_FIELDS,
// NET_FLOATS), and a unit test parses this struct to check that the two agree.
struct Net {
  lr: f32,
  weight_decay: f32,
  // 1 once the loss kernel has seen the network diverge; its weights then stay as they are.
  frozen: u32,
  // Loss at the first check (the divergence bound is relative to it); negative until then.
  initial_loss: f32,
}
