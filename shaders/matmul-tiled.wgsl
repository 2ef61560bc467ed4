// main_tiled: the product for hardware adapters when M and N are multiples of TILE_M and TILE_N
// and K of TILE_K (src/kernels/matmul.ts chooses it; matmul.wgsl has the shared part). The
// standard shared-memory SGEMM with 2-D register blocking (Volkov & Demmel 2008; the design of
// tfjs-backend-webgpu's makeMatMulPackedVec4Source and CUTLASS's threadblock tiles):
//   - one workgroup per TILE_M×TILE_N tile of one C_b (64×64), (TILE_N/4)×(TILE_M/4) = 16×16
//     invocations, each owning a 4×4 register block of the tile (rows 4·y.., columns 4·x..);
//   - per step of TILE_K (16) along K, the workgroup stages op(A)'s TILE_M×TILE_K tile and
//     op(B)'s TILE_K×TILE_N tile in workgroup memory with 16-byte loads (one vec4 of each per
//     invocation at 64×64×16), waits at a barrier, and every invocation reads from there one
//     vec4 of op(A)'s column and one of op(B)'s row per k: 16 multiply-adds per 2 loads, and each
//     element of A and B is read from storage once per tile instead of once per 4×4 block.
// Both tiles are kept k-major (vec4 i of op(A)'s k-row holds its rows 4i..4i+3 of column k) so
// that the inner loop reads whole vec4s; a stored layout that does not match (A not transposed, B
// transposed) is scattered into the tile one component at a time while staging.
// Supported: TRANS_A, TRANS_B, every EPILOGUE (through matmul-vec4.wgsl's stores), strides
// (0 broadcasts), C_OFFSET, and batches by block_of's scheme with one tile per workgroup.
// Not supported: B_IDENTITY, which needs no product and always takes main_vec4; shapes that are
// not multiples of the tile take the other entry points.

override TILE_M: u32 = 64u;
override TILE_N: u32 = 64u;
override TILE_K: u32 = 16u;

// Both tiles in one array, op(A)'s at 0, so that one function stages a vec4 into either.
var<workgroup> tiles: array<vec4<f32>, TILE_K * (TILE_M + TILE_N) / 4u>;

// Where op(B)'s tile starts in `tiles`.
fn b_tile() -> u32 {
  return TILE_K * TILE_M / 4u;
}

// Writes x, 4 consecutive k of one row (column) of op(A) (op(B)), into 4 k-rows of a tile that
// is `across` vec4s wide, component `lane` of vec4 `at` and of the 3 below it.
fn scatter(at: u32, across: u32, lane: u32, x: vec4<f32>) {
  tiles[at][lane] = x.x;
  tiles[at + across][lane] = x.y;
  tiles[at + 2u * across][lane] = x.z;
  tiles[at + 3u * across][lane] = x.w;
}

// Stages vec4 number v of op(A)'s tile at (row0, k0).
fn stage_a(v: u32, base: u32, row0: u32, k0: u32) {
  let across = TILE_M / 4u;
  if (TRANS_A) {
    // Stored K×M: a vec4 of storage is 4 rows of one column of op(A), as the tile holds them.
    tiles[v] = a4[(base + (k0 + v / across) * M + row0 + 4u * (v % across)) / 4u];
    return;
  }
  // Stored M×K: a vec4 is 4 columns of one row, one component in each of 4 k-rows of the tile.
  let row = v / (TILE_K / 4u);
  let k = 4u * (v % (TILE_K / 4u));
  scatter(k * across + row / 4u, across, row % 4u, a4[(base + (row0 + row) * K + k0 + k) / 4u]);
}

// Stages vec4 number v of op(B)'s tile at (k0, col0).
fn stage_b(v: u32, base: u32, k0: u32, col0: u32) {
  let across = TILE_N / 4u;
  if (!TRANS_B) {
    // Stored K×N: a vec4 is 4 columns of one row of op(B), as the tile holds them.
    tiles[b_tile() + v] = b4[(base + (k0 + v / across) * N + col0 + 4u * (v % across)) / 4u];
    return;
  }
  // Stored N×K: a vec4 is 4 rows of one column of op(B), one component in each of 4 k-rows.
  let col = v / (TILE_K / 4u);
  let k = 4u * (v % (TILE_K / 4u));
  scatter(b_tile() + k * across + col / 4u, across, col % 4u, b4[(base + (col0 + col) * K + k0 + k) / 4u]);
}

@compute @workgroup_size(TILE_N / 4u, TILE_M / 4u)
fn main_tiled(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  // The workgroup's tile: block_of with one "invocation" per workgroup. It depends only on the
  // workgroup and `nets`, so a frozen network's workgroup leaves as a whole, before any barrier.
  let tile = block_of(wid, groups, TILE_M, TILE_N, 1u);
  if (!tile.valid) { return; }
  let invocations = (TILE_M / 4u) * (TILE_N / 4u);
  let a_base = tile.net * A_STRIDE;
  let b_base = tile.net * B_STRIDE;
  var acc: mat4x4<f32>;
  for (var k0 = 0u; k0 < K; k0 += TILE_K) {
    for (var v = li; v < TILE_K * TILE_M / 4u; v += invocations) { stage_a(v, a_base, tile.row0, k0); }
    for (var v = li; v < TILE_K * TILE_N / 4u; v += invocations) { stage_b(v, b_base, k0, tile.col0); }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      // Outer product of op(A)'s column k (the block's 4 rows) with op(B)'s row k (its 4 columns).
      let av = tiles[k * (TILE_M / 4u) + lid.y];
      let bv = tiles[b_tile() + k * (TILE_N / 4u) + lid.x];
      acc += mat4x4<f32>(av.x * bv, av.y * bv, av.z * bv, av.w * bv);
    }
    // The next step's staging must not overwrite what another invocation still reads.
    workgroupBarrier();
  }
  let blk = Block(true, tile.net, tile.row0 + 4u * lid.y, tile.col0 + 4u * lid.x);
  store_block4(c_vec4_index(blk), d_vec4_index(blk), acc, epilogue_coefficients(blk.net));
}
