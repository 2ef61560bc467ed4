/**
 * NumPy's .npy format, version 1.0, for a C-ordered little-endian float32 array: the magic
 * "\x93NUMPY", version 1.0, a 2-byte header length, the header dict padded with spaces to a
 * multiple of 64 bytes and ending in "\n", then the raw data. `numpy.load(path)` reads it.
 */
import { invariant } from '../errors.js';

export function npyFloat32(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((product, n) => product * n, 1);
  invariant(
    count === data.length,
    () => `npyFloat32: shape ${shape.join('×')} holds ${count} values, data has ${data.length}`,
  );
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const prefix = 10; // magic (6) + version (2) + header length (2)
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = `${dict}${' '.repeat(padded - prefix - dict.length - 1)}\n`;
  const bytes = new Uint8Array(padded + 4 * data.length);
  bytes.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(
    Array.from(header, (c) => c.charCodeAt(0)),
    prefix,
  );
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(padded + 4 * i, data[i]!, true);
  return bytes;
}
