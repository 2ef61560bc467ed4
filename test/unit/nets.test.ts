/**
 * `struct Net` is declared once, in shaders/net.wgsl, and mirrored on the host by
 * src/engine/nets.ts: the struct parsed from the WGSL text must have the host's fields, in its
 * order, at its word offsets, and its size must be NET_FLOATS words.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NET_FIELDS, NET_FLOATS, netsData, netWord } from '../../src/engine/nets.js';
import { NET_WGSL } from '../../src/kernels/wgsl.js';

/** WGSL sizes of the scalar types a Net may hold (a vector or array would need its alignment rules). */
const SCALAR_BYTES: Record<string, number> = { f32: 4, u32: 4, i32: 4 };

/** The fields of `struct Net` in the WGSL text, with their byte offsets (scalars only, packed). */
function parseNet(wgsl: string): { name: string; type: string; offset: number }[] {
  const withoutComments = wgsl.replace(/\/\/[^\n]*/g, '');
  const body = /struct\s+Net\s*\{([^}]*)\}/.exec(withoutComments)?.[1];
  expect(body, 'struct Net in net.wgsl').toBeDefined();
  let offset = 0;
  return body!
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '')
    .map((field) => {
      const [name, type] = field.split(':').map((part) => part.trim());
      const bytes = SCALAR_BYTES[type!];
      expect(bytes, `scalar type of Net.${name}`).toBeDefined();
      const placed = { name: name!, type: type!, offset };
      offset += bytes!;
      return placed;
    });
}

it('the host layout of `nets` matches struct Net in net.wgsl', () => {
  const fields = parseNet(NET_WGSL);
  expect(fields).toEqual(NET_FIELDS.map((field, i) => ({ ...field, offset: 4 * i })));
  expect(fields.length).toBe(NET_FLOATS);
  for (const field of fields) expect(4 * netWord(field.name as (typeof NET_FIELDS)[number]['name'])).toBe(field.offset);
  // A fresh network: lr, weight decay, not frozen, no first loss yet (−1).
  expect(Array.from(netsData([{ lr: 0.5, weightDecay: 0.25 }]))).toEqual([0.5, 0.25, 0, -1]);
});

it('no other shader declares struct Net', async () => {
  const files = (await readdir('shaders')).filter((file) => file.endsWith('.wgsl') && file !== 'net.wgsl');
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    const code = (await readFile(join('shaders', file), 'utf8')).replace(/\/\/[^\n]*/g, '');
    expect(code, file).not.toMatch(/struct\s+Net\b/);
  }
});
