/**
 * Parquet tables, written with hyparquet-writer and read with hyparquet: flat columns of
 * integers, doubles and strings, one row group per chunk of rows, so a writer holds one chunk at a
 * time and a reader sees one row group at a time. Null is a missing value (nullable columns).
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { ResultsError } from './results-error.js';

export type ParquetType = 'INT32' | 'DOUBLE' | 'STRING';

export interface TableColumn {
  name: string;
  type: ParquetType;
  nullable: boolean;
}

/** Rows per row group: large enough for good compression, small enough to hold one in memory at 10⁶ runs. */
export const ROW_GROUP_ROWS = 65_536;

/**
 * A Parquet file's bytes, produced a row group at a time: each group() returns the bytes to append
 * (the header with the first), finish() the footer. `metadata` becomes the file's key-value
 * metadata. A writer holds one row group at a time, however many it writes.
 */
export class ParquetStream {
  private readonly writer = new ByteWriter();
  private readonly parquet: ParquetWriter;

  constructor(
    private readonly columns: TableColumn[],
    metadata: Record<string, string> = {},
  ) {
    const schema = [
      { name: 'root', num_children: columns.length },
      ...columns.map((column) => ({
        name: column.name,
        type: column.type === 'STRING' ? ('BYTE_ARRAY' as const) : column.type,
        ...(column.type === 'STRING' ? { converted_type: 'UTF8' as const } : {}),
        repetition_type: column.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const),
      })),
    ];
    this.parquet = new ParquetWriter({
      writer: this.writer,
      schema,
      kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      createdBy: 'dlnsim (hyparquet-writer)',
    });
  }

  /** One row group: one array of values per column, all of one length; an empty group writes nothing. */
  group(data: unknown[][]): Uint8Array {
    const rows = data[0]?.length ?? 0;
    if (rows > 0)
      void this.parquet.write({
        columnData: this.columns.map((column, j) => ({ name: column.name, data: data[j]! })),
        rowGroupSize: rows,
      });
    return this.take();
  }

  finish(): Uint8Array {
    void this.parquet.finish();
    return this.take();
  }

  // The writer keeps absolute offsets itself; emptying its buffer after each piece keeps memory to one row group.
  private take(): Uint8Array {
    const bytes = this.writer.getBytes().slice();
    this.writer.index = 0;
    return bytes;
  }
}

/** A Parquet file's columns (name and type), key-value metadata and row groups, each read only when iterated. */
export async function openParquet(path: string): Promise<{
  columns: TableColumn[];
  metadata: Record<string, string>;
  groups: () => AsyncGenerator<Map<string, ArrayLike<unknown>>>;
}> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let meta: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    meta = await parquetMetadataAsync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ResultsError(
      code === 'ENOENT'
        ? `${path} does not exist; is this a dlnsim results directory?`
        : `${path} is not a valid Parquet file: ${String(error)}`,
    );
  }
  const columns: TableColumn[] = meta.schema.slice(1).map((element) => ({
    name: element.name,
    type: element.type === 'BYTE_ARRAY' ? 'STRING' : element.type === 'INT32' ? 'INT32' : 'DOUBLE',
    nullable: element.repetition_type !== 'REQUIRED',
  }));
  const metadata = Object.fromEntries((meta.key_value_metadata ?? []).map(({ key, value }) => [key, value ?? '']));
  async function* groups(): AsyncGenerator<Map<string, ArrayLike<unknown>>> {
    let start = 0;
    for (const group of meta.row_groups) {
      const end = start + Number(group.num_rows);
      const data = new Map<string, unknown[]>(columns.map((column) => [column.name, new Array(end - start)]));
      await parquetRead({
        file,
        metadata: meta,
        rowStart: start,
        rowEnd: end,
        onChunk: ({ columnName, columnData, rowStart }) => {
          const target = data.get(columnName)!;
          for (let i = 0; i < columnData.length; i++) {
            const row = rowStart + i - start;
            if (row >= 0 && row < target.length) target[row] = columnData[i];
          }
        },
      });
      yield data;
      start = end;
    }
  }
  return { columns, metadata, groups };
}
