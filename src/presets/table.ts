/** Plain-text tables for verdicts: columns padded to their widest cell, two spaces apart. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** "k/n". */
export const fraction = (k: number, n: number) => `${k}/${n}`;

/** A relative error as a percentage with two significant digits. */
export const percent = (relativeError: number) => `${Number((100 * relativeError).toPrecision(2))}%`;
