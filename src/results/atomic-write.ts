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

/**
 * A file written a piece at a time, over as long as it takes (a results table written batch by
 * batch while training goes on): nothing is at `path` until commit(), which flushes and renames.
 */
export class AtomicFile {
  private readonly temporary: string;
  private handle: Awaited<ReturnType<typeof open>> | undefined;

  private constructor(readonly path: string) {
    this.temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  }

  static async create(path: string): Promise<AtomicFile> {
    const file = new AtomicFile(path);
    writing.add(file.temporary);
    try {
      file.handle = await open(file.temporary, 'wx');
    } catch (error) {
      writing.delete(file.temporary);
      throw error;
    }
    return file;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    await (typeof chunk === 'string' ? this.handle!.write(chunk) : this.handle!.write(chunk));
  }

  /** Flushes the content to disk and renames it over `path`; on failure the temporary file is removed. */
  async commit(): Promise<void> {
    try {
      await this.handle!.sync();
      await this.handle!.close();
      this.handle = undefined;
      await rename(this.temporary, this.path);
      writing.delete(this.temporary);
    } catch (error) {
      await this.discard();
      throw error;
    }
  }

  /** Removes the temporary file, leaving `path` as it was. */
  async discard(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await rm(this.temporary, { force: true }).catch(() => undefined);
    writing.delete(this.temporary);
  }
}

/**
 * Text chunks are gathered up to this many characters before one write: a trace.csv chunk is one
 * run (~200 bytes), and a write per run left the process waiting on the filesystem most of the time.
 */
const WRITE_CHARACTERS = 1 << 20;

/** `content`: a string, bytes, or chunks of text or bytes (written a few at a time, so a large file is never held whole). */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
  const file = await AtomicFile.create(path);
  try {
    let text: string[] = [];
    let characters = 0;
    const flush = async () => {
      if (text.length > 0) await file.write(text.join(''));
      text = [];
      characters = 0;
    };
    for await (const chunk of typeof content === 'string' || content instanceof Uint8Array ? [content] : content) {
      if (typeof chunk !== 'string') {
        await flush();
        await file.write(chunk);
        continue;
      }
      text.push(chunk);
      characters += chunk.length;
      if (characters >= WRITE_CHARACTERS) await flush();
    }
    await flush();
  } catch (error) {
    await file.discard();
    throw error;
  }
  await file.commit();
}

/** Temporary files of writes in progress. */
const writing = new Set<string>();

/** Synchronously removes the temporary files of every write in progress: for a process about to exit. */
export function removeTemporaryFiles(): void {
  for (const temporary of writing) rmSync(temporary, { force: true });
  writing.clear();
}
