/**
 * The error policy of src/errors.ts, held by a scan of the source: no deliberate plain `Error`
 * anywhere in src/ (user-facing errors are DlnsimErrors with the fix in the message, internal
 * assertions go through invariant()).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

it('src/ throws no plain Error', async () => {
  const files = await sources('src');
  expect(files.length).toBeGreaterThan(100);
  const offenders: string[] = [];
  for (const file of files) {
    (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
      if (/\bnew Error\(/.test(line) && file !== join('src', 'errors.ts'))
        offenders.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(offenders).toEqual([]);
});
