// The fused step (SPEC §3): one workgroup trains one network for STEPS whole gradient steps per
// dispatch, its layers, prefix products, residual and backward products all in workgroup memory.
// Per step: forward prefix products, the task residual G and loss, the divergence check, backward
// products, then the fused update W_k ← (1 − ηλ) W_k − η Q_k P_{<k}ᵀ of every layer from the
// same iterate. Every sum runs in a fixed order within one invocation or one fixed tree, so a
// network's result does not depend on the batch it is in. No atomics.
//
// Workgroup memory `mem` holds, at offsets the host computes (engine/fused-layout.ts) and passes
// in `layout`: W_1..W_N, P_{<3}..P_{<N+1} (= E), G = Q_N, Q_{N−1}..Q_1, and r (sensing).

override BATCH: u32;
override DEPTH: u32;
override STEPS: u32;
// Floats of `mem` in use (the host checks 4·MEM against maxComputeWorkgroupStorageSize).
override MEM: u32;
// 0 factorization, 1 completion, 2 regression, 3 sensing (task data in `data`, see below).
override TASK: u32;
// factorization: s; regression: s; sensing: s/m (completion: its data's s/|Ω|).
override SCALE: f32;
// loss = LOSS_COEF · Σ x² (x = G, or r for sensing; completion: its data's |Ω|/2s);
// regression: ½ Σ E∘(G − d) + LOSS_OFFSET.
override LOSS_COEF: f32;
override LOSS_OFFSET: f32 = 0.0;
override MEASUREMENTS: u32 = 0u;
// Floats between networks' task data: 0 when the batch shares one task, else the size of one
// network's data (a batch over task seeds, src/problem/batch-tasks.ts).
override DATA_STRIDE: u32 = 0u;
override DIVERGENCE_FACTOR: f32;
const WG: u32 = 64u;

// layout: widths[0..DEPTH] at 0..16, then per index i offsets (floats in `mem`):
//   16 + i        W_{i+1}     (i < DEPTH)
//   32 + k        P_{<k}      (k = 3..DEPTH+1; P_{<2} is W_1)
//   48 + k        Q_k         (k = 1..DEPTH, Q_DEPTH = G)
//   63            r (sensing)
@group(0) @binding(0) var<uniform> layout_words: array<vec4<u32>, 16>;
// `struct Net` is net.wgsl's, which the wrapper puts in front of this file.
@group(0) @binding(1) var<storage, read_write> nets: array<Net>;
// factorization: Y; completion: Y, the 0/1 mask, s/|Ω|, |Ω|/2s; regression: Σxx then d = s·Σyx;
// sensing: A (m × n_N·n_0) then y.
@group(0) @binding(2) var<storage, read> data: array<f32>;
// W_1..W_6, batch-major, one buffer per layer as the layered path keeps them (unused ones bound to
// W_1); six, so with nets and data the kernel stays within the default 8 storage buffers.
@group(0) @binding(3) var<storage, read_write> w1: array<f32>;
@group(0) @binding(4) var<storage, read_write> w2: array<f32>;
@group(0) @binding(5) var<storage, read_write> w3: array<f32>;
@group(0) @binding(6) var<storage, read_write> w4: array<f32>;
@group(0) @binding(7) var<storage, read_write> w5: array<f32>;
@group(0) @binding(8) var<storage, read_write> w6: array<f32>;

fn load_weight(k: u32, i: u32) -> f32 {
  switch (k) {
    case 1u: { return w1[i]; }
    case 2u: { return w2[i]; }
    case 3u: { return w3[i]; }
    case 4u: { return w4[i]; }
    case 5u: { return w5[i]; }
    default: { return w6[i]; }
  }
}

fn store_weight(k: u32, i: u32, v: f32) {
  switch (k) {
    case 1u: { w1[i] = v; }
    case 2u: { w2[i] = v; }
    case 3u: { w3[i] = v; }
    case 4u: { w4[i] = v; }
    case 5u: { w5[i] = v; }
    default: { w6[i] = v; }
  }
}

fn word(i: u32) -> u32 { return layout_words[i / 4u][i % 4u]; }

var<workgroup> mem: array<f32, MEM>;
var<workgroup> partial: array<f32, WG>;
var<workgroup> stop: u32;

fn width(k: u32) -> u32 { return word(k); }
fn w_at(k: u32) -> u32 { return word(16u + k - 1u); }
fn prefix_at(k: u32) -> u32 {
  if (k == 2u) { return w_at(1u); }
  return word(32u + k);
}
fn q_at(k: u32) -> u32 { return word(48u + k); }

// C (m×n) = op(A)·op(B) in `mem`; A is m×kk (or kk×m if ta), B is kk×n (or n×kk if tb).
fn product(c: u32, a: u32, b: u32, m: u32, n: u32, kk: u32, ta: bool, tb: bool, lid: u32) {
  for (var id = lid; id < m * n; id += WG) {
    let i = id / n;
    let j = id % n;
    var sum = 0.0;
    for (var p = 0u; p < kk; p++) {
      let av = select(mem[a + i * kk + p], mem[a + p * m + i], ta);
      let bv = select(mem[b + p * n + j], mem[b + j * kk + p], tb);
      sum = fma(av, bv, sum);
    }
    mem[c + id] = sum;
  }
  workgroupBarrier();
}

fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// Fixed-order tree sum of every invocation's `value`.
fn reduce(value: f32, lid: u32) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

// G = ∇_E C(E) into Q_N, and the loss; network `net`'s task data starts at data[net · DATA_STRIDE].
fn residual(lid: u32, net: u32) -> f32 {
  let base = net * DATA_STRIDE;
  let rows = width(DEPTH);
  let cols = width(0u);
  let count = rows * cols;
  let e = prefix_at(DEPTH + 1u);
  let g = q_at(DEPTH);
  var local = 0.0;
  if (TASK == 2u) {
    // G = s·E Σxx − s·Σyx; loss = ½ Σ E∘(G − d) + offset.
    for (var id = lid; id < count; id += WG) {
      let i = id / cols;
      let j = id % cols;
      var sum = 0.0;
      for (var p = 0u; p < cols; p++) { sum = fma(mem[e + i * cols + p], data[base + p * cols + j], sum); }
      let d = data[base + cols * cols + id];
      let gv = SCALE * sum - d;
      mem[g + id] = gv;
      local += mem[e + id] * (gv - d);
    }
    workgroupBarrier();
    return 0.5 * reduce(local, lid) + LOSS_OFFSET;
  }
  if (TASK == 3u) {
    // r = A vec(E) − y, G = (s/m) Σ_i r_i A_i, loss = LOSS_COEF Σ r².
    let r = word(63u);
    for (var i = lid; i < MEASUREMENTS; i += WG) {
      var sum = 0.0;
      for (var p = 0u; p < count; p++) { sum = fma(mem[e + p], data[base + i * count + p], sum); }
      let rv = sum - data[base + MEASUREMENTS * count + i];
      mem[r + i] = rv;
      local += rv * rv;
    }
    workgroupBarrier();
    for (var id = lid; id < count; id += WG) {
      var sum = 0.0;
      for (var i = 0u; i < MEASUREMENTS; i++) { sum = fma(mem[r + i], data[base + i * count + id], sum); }
      mem[g + id] = SCALE * sum;
    }
    workgroupBarrier();
    return LOSS_COEF * reduce(local, lid);
  }
  var scale = SCALE;
  var coef = LOSS_COEF;
  if (TASK == 1u) {
    scale = data[base + 2u * count];
    coef = data[base + 2u * count + 1u];
  }
  for (var id = lid; id < count; id += WG) {
    var rv = mem[e + id] - data[base + id];
    if (TASK == 1u) { rv *= data[base + count + id]; }
    let gv = scale * rv;
    mem[g + id] = gv;
    local += gv * gv;
  }
  workgroupBarrier();
  return coef * reduce(local, lid);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // Uniform per workgroup: every invocation of a workgroup sees the same `net`.
  let net = wid.x + wid.y * groups.x;
  if (net >= BATCH) { return; }
  // Stage the layers: W_k of network `net` is at its batch-major global offset.
  for (var k = 1u; k <= DEPTH; k++) {
    let size = width(k) * width(k - 1u);
    for (var i = lid; i < size; i += WG) { mem[w_at(k) + i] = load_weight(k, net * size + i); }
  }
  if (lid == 0u) { stop = nets[net].frozen; }
  workgroupBarrier();

  for (var step = 0u; step < STEPS; step++) {
    if (workgroupUniformLoad(&stop) != 0u) { break; }
    for (var k = 2u; k <= DEPTH; k++) {
      product(prefix_at(k + 1u), w_at(k), prefix_at(k), width(k), width(0u), width(k - 1u), false, false, lid);
    }
    let loss = residual(lid, net);
    if (lid == 0u) {
      var state = nets[net];
      if (state.initial_loss < 0.0 && is_finite(loss)) { state.initial_loss = loss; }
      if (!is_finite(loss) || loss > DIVERGENCE_FACTOR * max(state.initial_loss, 1.0)) { state.frozen = 1u; }
      nets[net] = state;
      stop = state.frozen;
    }
    if (workgroupUniformLoad(&stop) != 0u) { break; }
    for (var k = DEPTH; k >= 2u; k--) {
      product(q_at(k - 1u), w_at(k), q_at(k), width(k - 1u), width(0u), width(k), true, false, lid);
    }
    let state = nets[net];
    let decay = 1.0 - state.lr * state.weight_decay;
    // Descending k: W_2's update reads P_{<2} = W_1, so W_1 changes last.
    for (var k = DEPTH; k >= 1u; k--) {
      let m = width(k);
      let n = width(k - 1u);
      let q = q_at(k);
      let w = w_at(k);
      for (var id = lid; id < m * n; id += WG) {
        let i = id / n;
        let j = id % n;
        var sum = 0.0;
        if (k == 1u) {
          sum = mem[q + i * width(0u) + j];
        } else {
          let p = prefix_at(k);
          for (var c = 0u; c < width(0u); c++) { sum = fma(mem[q + i * width(0u) + c], mem[p + j * width(0u) + c], sum); }
        }
        mem[w + id] = decay * mem[w + id] - state.lr * sum;
      }
      workgroupBarrier();
    }
  }

  for (var k = 1u; k <= DEPTH; k++) {
    let size = width(k) * width(k - 1u);
    for (var i = lid; i < size; i += WG) { store_weight(k, net * size + i, mem[w_at(k) + i]); }
  }
}
