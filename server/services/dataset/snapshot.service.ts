// Columnar snapshots of the dataset: records (payload fields flattened, plus what the server
// derived), ideas and their per-class evidence as Parquet, with a manifest of sha256 checksums,
// under <dir>/<id>/ (written aside, then renamed into place). Served at stable URLs.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportService } from '../export.service.ts';
import type { ExportRepository } from '../../repositories/export.repository.ts';
import { DATASET_LICENCE, type SnapshotManifest } from '../../protocol/dataset.schema.ts';
import { ParquetTable } from './parquet-table.ts';
import { EVIDENCE_COLUMNS, IDEA_COLUMNS, RECORD_COLUMNS } from './snapshot-columns.ts';
import { SnapshotsDisabledError } from '../errors.ts';

/** Snapshots kept on disk; older ones are removed after a new one is written. */
export const SNAPSHOTS_KEPT = 8;
const PAGE = 1000;

export class SnapshotService {
  private running: Promise<SnapshotManifest> | null = null;

  constructor(
    private readonly deps: {
      /** Where snapshots live; null: snapshots are off. */
      dir: string | null;
      exporter: ExportService;
      exports: ExportRepository;
      now?: () => Date;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.dir !== null;
  }

  private get dir(): string {
    if (!this.deps.dir) throw new SnapshotsDisabledError();
    return this.deps.dir;
  }

  /** Writes a snapshot now (a call while one is being written shares it). */
  take(): Promise<SnapshotManifest> {
    this.running ??= this.write().finally(() => (this.running = null));
    return this.running;
  }

  /** Every snapshot on disk, newest first. */
  list(): SnapshotManifest[] {
    if (!this.deps.dir || !existsSync(this.deps.dir)) return [];
    return readdirSync(this.deps.dir)
      .filter((d) => /^\d{8}T\d{6}Z$/.test(d) && existsSync(join(this.deps.dir!, d, 'manifest.json')))
      .sort()
      .reverse()
      .map((d) => JSON.parse(readFileSync(join(this.deps.dir!, d, 'manifest.json'), 'utf8')) as SnapshotManifest);
  }

  /** The path of one file of a snapshot (`latest`: the newest), or null when there is none. */
  file(id: string, name: string): string | null {
    const snapshot = id === 'latest' ? this.list()[0]?.id : id;
    if (!snapshot) return null;
    const path = join(this.dir, snapshot, name);
    return existsSync(path) ? path : null;
  }

  private async write(): Promise<SnapshotManifest> {
    const now = this.deps.now?.() ?? new Date();
    const id = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const partial = join(this.dir, `.${id}.partial`);
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const meta = { 'crossfork.snapshot': id, 'crossfork.licence': DATASET_LICENCE.id, 'crossfork.licence_url': DATASET_LICENCE.url };
    try {
      const records = new ParquetTable(join(partial, 'records.parquet'), RECORD_COLUMNS, meta);
      for await (const page of this.deps.exporter.rows({}, PAGE)) for (const r of page) records.add(r);
      const ideas = new ParquetTable(join(partial, 'ideas.parquet'), IDEA_COLUMNS, meta);
      for (let after = ''; ;) {
        const page = await this.deps.exports.ideasPage(after, PAGE);
        for (const r of page) ideas.add(r);
        if (page.length < PAGE) break;
        after = page[page.length - 1].id;
      }
      const evidence = new ParquetTable(join(partial, 'evidence.parquet'), EVIDENCE_COLUMNS, meta);
      for (let after = { ideaId: '', harnessId: '', hardwareClass: '' }; ;) {
        const page = await this.deps.exports.evidencePage(after, PAGE);
        for (const r of page) evidence.add(r);
        if (page.length < PAGE) break;
        after = page[page.length - 1];
      }
      const files = [];
      for (const [name, table] of [
        ['records.parquet', records],
        ['ideas.parquet', ideas],
        ['evidence.parquet', evidence],
      ] as const) {
        const done = await table.finish();
        files.push({ name, url: `/v1/snapshots/${id}/${name}`, ...done });
      }
      const manifest: SnapshotManifest = {
        id,
        created_at: now.toISOString(),
        format: 'parquet',
        writer: 'hyparquet-writer',
        licence: { id: DATASET_LICENCE.id, name: DATASET_LICENCE.name, url: DATASET_LICENCE.url },
        datasheet: 'docs/dataset.md',
        files,
      };
      writeFileSync(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      // `sha256sum -c SHA256SUMS` in the snapshot's folder checks every file.
      writeFileSync(join(partial, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
      rmSync(join(this.dir, id), { recursive: true, force: true });
      renameSync(partial, join(this.dir, id));
      for (const old of this.list().slice(SNAPSHOTS_KEPT)) rmSync(join(this.dir, old.id), { recursive: true, force: true });
      return manifest;
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      throw err;
    }
  }
}
