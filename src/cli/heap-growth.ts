/**
 * V8's heap policy for long host-side work in Node (the CLI, the host bench). After each full
 * collection V8 lets the heap grow to up to ~4× its live size before the next one, and training
 * allocates tens of MB/s that live through a batch (the `webgpu` package's event polling, each
 * batch's traces and analysis), so at 10⁶ runs (~1 GB live) the CLI reached 4.3 GB. A growth
 * factor of 1 + HEAP_GROWING_PERCENT/100 starts full collections sooner; measured on the 4×4
 * example at 2·10⁵ runs: 2.0 → 0.82 GB peak RSS, no slower (bench/README). V8 reads the flag at
 * every collection, so setting it after start-up works, unlike the heap-size flags.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 20;

export function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
