#!/usr/bin/env bash
# The device check, for a machine with a real GPU that cannot install or build (Node with Dawn
# over Vulkan, no Chromium, no network). In at most 5 minutes:
#   1. the adapter's info and limits (dist/node/adapter-info.js); stops here with one line if the
#      only adapter is a software one, unless --allow-software or DLNSIM_DEVICE_CHECK_ALLOW_SOFTWARE=1;
#   2. the GPU-vs-reference unit tests, test/unit/*.gpu.test.ts, on that adapter;
#   3. the bench (dist/node/bench.js, built beforehand: no vite build here) on ensemble, mid, large
#      and huge, with the numpy baseline where python3 has numpy, TF.js where it was carried.
# Everything goes to $OUT if set, else bench/device-results/. Needs dist/ and node_modules (or
# .device-carry/node_modules) beside the tracked files: bench/device-pack.sh makes both.
#
#   bench/device-check.sh [--quick] [--allow-software]
#   --quick: quick bench forms, 2 s baseline budgets and one GPU test file (a smoke
#            test of the script itself, e.g. on SwiftShader)
set -uo pipefail
cd "$(dirname "$0")/.."

quick=0
allow=${DLNSIM_DEVICE_CHECK_ALLOW_SOFTWARE:-0}
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --allow-software) allow=1 ;;
    *) echo "usage: bench/device-check.sh [--quick] [--allow-software]" >&2; exit 2 ;;
  esac
done

out=${OUT:-bench/device-results}
mkdir -p "$out"
summary=$out/summary.txt
: >"$summary"
note() { echo "$*" | tee -a "$summary"; }

if [ ! -e node_modules ] && [ -d .device-carry/node_modules ]; then ln -s .device-carry/node_modules node_modules; fi
for need in dist/node/bench.js dist/node/adapter-info.js node_modules/webgpu node_modules/vitest/vitest.mjs; do
  if [ ! -e "$need" ]; then
    note "device check: $need is missing; run bench/device-pack.sh where npm works and carry dist and .device-carry"
    exit 2
  fi
done

# One budget per step so the three together stay under 5 minutes: 20 + 130 + 140 s.
step() {
  local name=$1 limit=$2 started rc
  shift 2
  started=$SECONDS
  timeout "$limit" "$@" >"$out/$name.out" 2>"$out/$name.err"
  rc=$?
  note "$name: exit $rc in $((SECONDS - started)) s$([ $rc = 124 ] && echo " (timed out after $limit s)")"
  return $rc
}

note "device check $(date -u +%FT%TZ), $(git rev-parse --short HEAD 2>/dev/null || echo 'no git'), load $(cut -d' ' -f1-3 /proc/loadavg), quick=$quick"
command -v nvidia-smi >/dev/null && nvidia-smi >"$out/nvidia-smi.txt" 2>&1

step adapter 20 node dist/node/adapter-info.js $([ "$allow" = 1 ] && echo --allow-software)
case $? in
  0) note "adapter: $(node -p 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); `${r.adapter.name}${r.adapter.isFallbackAdapter ? " (software)" : ""}`' "$out/adapter.out")" ;;
  3) note "$(tail -1 "$out/adapter.err")"; exit 3 ;;
  *) note "adapter: failed, see $out/adapter.err"; exit 1 ;;
esac

# --quick: one file, since on a loaded SwiftShader three took 57 to over 130 s.
if [ "$quick" = 1 ]; then tests=(test/unit/matmul.gpu.test.ts); else tests=(test/unit/*.gpu.test.ts); fi
step gpu-tests 130 node node_modules/vitest/vitest.mjs run "${tests[@]}"
tests_rc=$?
sed 's/\x1b\[[0-9;]*m//g' "$out/gpu-tests.out" | grep -E '^ *(Test Files|Tests) ' | tee -a "$summary"

baselines=reference,float32,numpy
[ -d node_modules/@tensorflow/tfjs-backend-webgpu ] && baselines+=,tfjs
# 5 s per baseline keeps the bench's four workloads near 100 s; --quick (on SwiftShader) takes 2.
step bench 140 node dist/node/bench.js --only ensemble,mid,large,huge --baselines "$baselines" \
  $([ "$quick" = 1 ] && echo --quick --budget 2 || echo --budget 5) --out "$out/bench.json"
bench_rc=$?
grep -E '^(\||target|numpy baseline skipped)' "$out/bench.out" >>"$summary"
note "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ $tests_rc = 0 ] && [ $bench_rc = 0 ]
