/**
 * Which steps record and how steps are cut into chunks (one command buffer each). Recording at
 * step t means the state W(t) after t updates; step 0 and the final step always record.
 */
export interface Chunk {
  /** First step index encoded (an update from W(start) to W(start+1)). */
  start: number;
  /** One past the last update; equal to start for a record-only chunk. */
  end: number;
  /** Record steps in this chunk, in order; slot i of the records buffer holds recordSteps[i]. */
  recordSteps: number[];
  /** Whether the chunk ends with a record-only pass at `end` (the final state). */
  finalRecord: boolean;
}

/** `recordFrom`: whether W(from) still needs recording (false when an earlier run() ended there). */
export function planChunks(
  from: number,
  to: number,
  every: number,
  stepsPerChunk: number,
  slots: number,
  recordFrom: boolean,
): Chunk[] {
  const chunks: Chunk[] = [];
  let start = from;
  while (start < to) {
    const recordSteps: number[] = [];
    let end = start;
    while (end < to && end - start < stepsPerChunk) {
      if (end === from ? recordFrom : end % every === 0) {
        if (recordSteps.length === slots) break;
        recordSteps.push(end);
      }
      end++;
    }
    const finalRecord = end === to && recordSteps.length < slots;
    if (finalRecord) recordSteps.push(to);
    chunks.push({ start, end, recordSteps, finalRecord });
    start = end;
  }
  const last = chunks[chunks.length - 1];
  if (!last ? recordFrom || from !== to : !last.finalRecord)
    chunks.push({ start: to, end: to, recordSteps: [to], finalRecord: true });
  return chunks;
}
