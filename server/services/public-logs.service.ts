// Public logs: reads a discovered fork's results.tsv and prepare.py at its default-branch head
// and stores the rows as unsigned records (with their idea-assignment jobs) in one transaction,
// so a failure stores nothing and a re-crawl inserts nothing twice.
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { GithubClient } from '../github/client.ts';
import { publicLogFiles, type BlobText } from '../github/api.ts';
import { publicLogRecords } from '../github/public-log.ts';
import type { CrawlOutcome, ForkRepository } from '../repositories/fork.repository.ts';
import type { JobRepository } from '../repositories/job.repository.ts';
import type { RecordRepository } from '../repositories/record.repository.ts';
import { JOB_ASSIGN_IDEA } from '../jobs/kinds.ts';

/** At most this many skipped rows are kept per fork (the count is always exact). */
const MAX_SKIPPED_KEPT = 200;

export class PublicLogsService {
  constructor(
    private readonly deps: {
      db: Db;
      forks: ForkRepository;
      records: RecordRepository;
      jobs: JobRepository;
      github: GithubClient | null;
      logger?: Logger;
      /** Called after records were committed, to wake the idea-assignment worker. */
      onStored?: (created: number) => void;
    },
  ) {}

  /** Job handler for one fork. Returns the outcome stored on the fork and how many records were new. */
  async crawl(forkId: string): Promise<(CrawlOutcome & { created: number }) | null> {
    const github = this.deps.github;
    if (!github) throw new Error('GitHub is not configured (GITHUB_TOKEN)');
    const fork = await this.deps.forks.find(forkId);
    if (!fork || !fork.headOid) return null;
    const files = await publicLogFiles(github, fork.owner, fork.name, fork.headOid);
    const outcome = (status: string, detail: string | null): CrawlOutcome => ({
      oid: fork.headOid,
      status,
      detail,
      rows: null,
      skipped: null,
    });
    let result: CrawlOutcome & { created: number };
    let rows: Awaited<ReturnType<typeof publicLogRecords>>['rows'] = [];
    const unreadable = (b: BlobText | null, file: string) =>
      !b
        ? `no ${file} on the default branch`
        : b.isBinary || b.text === null
          ? `${file} is binary`
          : b.isTruncated
            ? `${file} is too large for GitHub to return (${b.byteSize} bytes)`
            : null;
    if (!files) {
      result = { ...outcome('gone', 'the repository is no longer visible'), created: 0 };
    } else if (unreadable(files.results, 'results.tsv')) {
      result = { ...outcome(files.results ? 'unreadable' : 'no-log', unreadable(files.results, 'results.tsv')), created: 0 };
    } else if (unreadable(files.prepare, 'prepare.py')) {
      result = {
        ...outcome('no-harness', `${unreadable(files.prepare, 'prepare.py')}: the harness id is its SHA-256, so the log is not ingested`),
        created: 0,
      };
    } else {
      const log = publicLogRecords(
        {
          nameWithOwner: fork.nameWithOwner,
          url: fork.url,
          branch: fork.defaultBranch,
          oid: fork.headOid,
          committedAt: fork.headCommittedAt ?? new Date(),
        },
        files.results!.text!,
        files.prepare!.text!,
      );
      rows = log.rows;
      if (log.skipped.length)
        this.deps.logger?.info({ fork: fork.nameWithOwner, skipped: log.skipped.slice(0, 20) }, 'public log rows skipped');
      result = {
        oid: fork.headOid,
        status: 'ingested',
        detail: `${log.rows.length} of ${log.rows.length + log.skipped.length} rows read; ${log.skipped.length} skipped`,
        rows: log.rows.length,
        skipped: log.skipped.slice(0, MAX_SKIPPED_KEPT),
        created: 0,
      };
    }
    const created = await this.deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      let n = 0;
      // Bounded statements: a long log stays under PostgreSQL's parameter limit.
      for (let i = 0; i < rows.length; i += 1000) {
        const ids = await this.deps.records.insertMany(rows.slice(i, i + 1000), tx);
        await this.deps.jobs.enqueue(JOB_ASSIGN_IDEA, [...ids], tx);
        n += ids.size;
      }
      await this.deps.forks.saveCrawl(fork.id, result, tx);
      return n;
    });
    if (created) this.deps.onStored?.(created);
    this.deps.logger?.info({ fork: fork.nameWithOwner, status: result.status, rows: result.rows, created }, 'public log crawled');
    return { ...result, created };
  }
}
