// One Parquet file written a row group at a time (hyparquet-writer): rows are buffered up to a row
// group, written, and dropped, so a snapshot of any size holds one row group in memory.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { ParquetWriter, fileWriter, schemaFromColumnData, type BasicType } from 'hyparquet-writer';

export interface ColumnSpec<R> {
  name: string;
  type: BasicType;
  /** Units, meaning and provenance: the datasheet (docs/dataset.md) says the same. */
  value: (row: R) => unknown;
}

/** Rows per row group: a few MB of records, readable in parts by pyarrow and DuckDB. */
export const ROW_GROUP = 5000;

export class ParquetTable<R> {
  private readonly writer: ParquetWriter;
  private buffer: R[] = [];
  rows = 0;

  constructor(
    readonly path: string,
    private readonly columns: readonly ColumnSpec<R>[],
    metadata: Record<string, string>,
  ) {
    const schema = schemaFromColumnData({ columnData: columns.map((c) => ({ name: c.name, type: c.type, data: [], nullable: true })) });
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema,
      kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      createdBy: 'crossfork (hyparquet-writer)',
    });
  }

  add(row: R): void {
    this.buffer.push(row);
    if (this.buffer.length >= ROW_GROUP) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.writer.write({
      columnData: this.columns.map((c) => ({ name: c.name, data: rows.map((r) => c.value(r) ?? null) as unknown[] })),
      rowGroupSize: rows.length,
    });
    this.rows += rows.length;
  }

  /** Writes what is left and the footer; returns the file's size and SHA-256. */
  async finish(): Promise<{ rows: number; bytes: number; sha256: string }> {
    this.flush();
    this.writer.finish();
    return { rows: this.rows, bytes: statSync(this.path).size, sha256: await sha256File(this.path) };
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
