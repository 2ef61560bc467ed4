"""Baseline (d): layerwise GD (SPEC §3) the way a NumPy user would write it, float32, batched
over the network axis: layer k of all B networks is one (B, n_k, n_{k-1}) array and every
product is one np.matmul. Factorization only (G = s·(E − Y)), like the other baselines.

    python3 numpy_baseline.py DIR

DIR (written by bench/numpy-runner.ts) holds inputs.json {widths, steps, every, budgetSeconds,
lossScale, lr[B], weightDecay[B]}, target.f32 (n_N × n_0, row-major) and layers.f32 (for each
layer k = 1..N, all B networks' W_k row-major, float32). Prints one JSON object on stdout:
networks, steps, seconds, losses (each network's loss after `steps` steps), networkStepsPerSecond,
gflops, flopsPerNetworkStep.

Like the other baselines it stops at the first record step past budgetSeconds; `seconds` counts
training steps only, not the loss evaluations at record steps.
"""
import json
import os
import sys
import time

import numpy as np


def load(folder):
    with open(os.path.join(folder, "inputs.json")) as f:
        meta = json.load(f)
    widths = meta["widths"]
    batch = len(meta["lr"])
    target = np.fromfile(os.path.join(folder, "target.f32"), dtype=np.float32).reshape(1, widths[-1], widths[0])
    flat = np.fromfile(os.path.join(folder, "layers.f32"), dtype=np.float32)
    layers, offset = [], 0
    for k in range(1, len(widths)):
        size = batch * widths[k] * widths[k - 1]
        layers.append(flat[offset : offset + size].reshape(batch, widths[k], widths[k - 1]).copy())
        offset += size
    return meta, target, layers


def flops_per_network_step(widths):
    # The bench's convention (sim.program.flopsPerStep): for k = 2..N one forward prefix product,
    # one backward product and one update product, each n_k × n_{k-1} × n_0 at 2 flops per
    # multiply-add; elementwise work is not counted. Square n×n layers: 3(N − 1)·2n³.
    return sum(6 * widths[k] * widths[k - 1] * widths[0] for k in range(2, len(widths)))


def step(w, target, scale, lr, decay):
    depth = len(w)
    # prefix[k] = W_{k+1}⋯W_1, so prefix[-1] is the end-to-end matrix E.
    prefix = [w[0]]
    for k in range(1, depth):
        prefix.append(np.matmul(w[k], prefix[k - 1]))
    # q[k] = Q_{k+1}; every Q from the old weights (SPEC §3).
    q = [None] * depth
    q[-1] = scale * (prefix[-1] - target)
    for k in range(depth - 1, 0, -1):
        q[k - 1] = np.matmul(w[k].transpose(0, 2, 1), q[k])
    return [decay * w[k] - lr * (q[0] if k == 0 else np.matmul(q[k], prefix[k - 1].transpose(0, 2, 1))) for k in range(depth)]


def losses(w, target, scale):
    e = w[0]
    for k in range(1, len(w)):
        e = np.matmul(w[k], e)
    residual = (e - target).astype(np.float64)
    return scale / 2 * np.sum(residual * residual, axis=(1, 2))


def main(folder):
    meta, target, w = load(folder)
    scale = np.float32(meta["lossScale"])
    lr = np.array(meta["lr"], dtype=np.float32).reshape(-1, 1, 1)
    decay = (1 - lr * np.array(meta["weightDecay"], dtype=np.float32).reshape(-1, 1, 1)).astype(np.float32)
    steps, every, budget = meta["steps"], meta["every"], meta["budgetSeconds"]

    # One step on a copy first, as the TF.js baseline does: BLAS starts its threads at first use.
    step([x.copy() for x in w], target, scale, lr, decay)

    done, seconds = 0, 0.0
    while done < steps:
        chunk = min(every - done % every, steps - done)
        started = time.perf_counter()
        for _ in range(chunk):
            w = step(w, target, scale, lr, decay)
        seconds += time.perf_counter() - started
        done += chunk
        if seconds > budget:
            break
    batch = lr.shape[0]
    flops = flops_per_network_step(meta["widths"])
    rate = batch * done / seconds
    json.dump(
        {
            "networks": batch,
            "steps": done,
            "seconds": seconds,
            "losses": losses(w, target, scale).tolist(),
            "networkStepsPerSecond": rate,
            "gflops": rate * flops / 1e9,
            "flopsPerNetworkStep": flops,
            "numpy": np.__version__,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
