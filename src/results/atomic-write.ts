/**
 * Writes a file so that readers only ever see the old file or the complete new one: the content
 * goes to a temporary file in the same directory (same filesystem, so the rename is atomic), is
 * flushed to disk, and is renamed over the target. On any failure the temporary file is removed
 * and the target is left as it was; a process that must exit mid-write (a second Ctrl-C) removes
 * its temporary files first with removeTemporaryFiles().
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `content`: a string, bytes, or chunks of text or bytes (written one by one, so a large file is never held whole). */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  writing.add(temporary);
  try {
    handle = await open(temporary, 'wx');
    for await (const chunk of typeof content === 'string' || content instanceof Uint8Array ? [content] : content)
      await (typeof chunk === 'string' ? handle.write(chunk) : handle.write(chunk));
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    writing.delete(temporary);
  }
}

/** Temporary files of writes in progress. */
const writing = new Set<string>();

/** Synchronously removes the temporary files of every write in progress: for a process about to exit. */
export function removeTemporaryFiles(): void {
  for (const temporary of writing) rmSync(temporary, { force: true });
  writing.clear();
}
