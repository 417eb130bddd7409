// Fork discovery: pages through the forks of the upstream (and, to the configured depth, forks
// of forks), storing each page with the cursor after it so an interrupted pass resumes; forks
// whose default branch moved get a crawl job. Also the `GET /v1/forks` listing.
import type { Logger } from 'pino';
import type { GithubClient } from '../github/client.ts';
import { forksPage, type GithubFork } from '../github/api.ts';
import type { ForkRepository } from '../repositories/fork.repository.ts';
import type { JobRepository } from '../repositories/job.repository.ts';
import type { ForkRow, NewForkRow } from '../db/schema/forks.ts';
import { JOB_GITHUB_CRAWL_FORK, JOB_GITHUB_DISCOVER } from '../jobs/kinds.ts';
import { InvalidCursorError } from './errors.ts';
import type { ForkView } from '../protocol/api.schema.ts';

export interface DiscoverTarget {
  nameWithOwner: string;
  depth: number;
}

/** `OWNER/NAME@DEPTH`: list the forks of OWNER/NAME, which sit at DEPTH below the upstream. */
export const discoverSubject = (t: DiscoverTarget) => `${t.nameWithOwner}@${t.depth}`;

export function parseDiscoverSubject(subject: string): DiscoverTarget {
  const m = /^([\w.-]+\/[\w.-]+)@(\d+)$/.exec(subject);
  if (!m) throw new Error(`bad discovery subject ${subject}`);
  return { nameWithOwner: m[1], depth: Number(m[2]) };
}

export class ForksService {
  constructor(
    private readonly deps: {
      forks: ForkRepository;
      jobs: JobRepository;
      github: GithubClient | null;
      /** How many levels of forks to follow (1: direct forks of the upstream). */
      maxDepth: number;
      pageSize?: number;
      logger?: Logger;
      /** Called after jobs were enqueued, to wake their runners. */
      onQueued?: () => void;
    },
  ) {}

  /** Job handler: one full pass over the forks of `target`, resuming at the saved cursor. */
  async discover(target: DiscoverTarget): Promise<{ pages: number; forks: number; crawls: number }> {
    const github = this.deps.github;
    if (!github) throw new Error('GitHub is not configured (GITHUB_TOKEN)');
    const key = `forks:${target.nameWithOwner}`;
    const [owner, name] = target.nameWithOwner.split('/');
    let after = (await this.deps.forks.cursor(key))?.cursor ?? null;
    if (after) this.deps.logger?.info({ repo: target.nameWithOwner, cursor: after }, 'resuming fork discovery');
    let pages = 0;
    let seen = 0;
    let crawls = 0;
    for (;;) {
      const page = await forksPage(github, owner, name, after, this.deps.pageSize ?? 100);
      if (!page) {
        this.deps.logger?.warn({ repo: target.nameWithOwner }, 'repository not found; discovery skipped');
        break;
      }
      const rows = page.forks.filter((f) => !f.isPrivate).map((f) => forkRow(f, target));
      const changed = await this.deps.forks.savePage(key, rows, page.endCursor ?? after);
      for (const id of changed) if (await this.deps.jobs.enqueueOnce(JOB_GITHUB_CRAWL_FORK, id)) crawls++;
      pages++;
      seen += rows.length;
      if (!page.hasNextPage || !page.endCursor) break;
      after = page.endCursor;
    }
    await this.deps.forks.clearCursor(key);
    if (target.depth < this.deps.maxDepth) {
      for (const f of await this.deps.forks.childrenWithForks(target.nameWithOwner)) {
        await this.deps.jobs.enqueueOnce(JOB_GITHUB_DISCOVER, discoverSubject({ nameWithOwner: f.nameWithOwner, depth: target.depth + 1 }));
      }
    }
    if (crawls) this.deps.onQueued?.();
    this.deps.logger?.info({ repo: target.nameWithOwner, pages, forks: seen, crawls }, 'fork discovery pass done');
    return { pages, forks: seen, crawls };
  }

  async list(limit: number, cursor?: string) {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.deps.forks.list(limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      forks: page.map(forkView),
      total: await this.deps.forks.count(),
      next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }
}

function forkRow(f: GithubFork, target: DiscoverTarget): NewForkRow {
  return {
    id: f.id,
    nameWithOwner: f.nameWithOwner,
    owner: f.owner,
    name: f.name,
    parent: target.nameWithOwner,
    depth: target.depth,
    url: f.url,
    pushedAt: f.pushedAt ? new Date(f.pushedAt) : null,
    stars: f.stars,
    forkCount: f.forkCount,
    defaultBranch: f.defaultBranch,
    headOid: f.headOid,
    headCommittedAt: f.headCommittedAt ? new Date(f.headCommittedAt) : null,
  };
}

export function forkView(f: ForkRow): ForkView {
  return {
    id: f.id,
    owner: f.owner,
    name: f.name,
    name_with_owner: f.nameWithOwner,
    url: f.url,
    parent: f.parent,
    depth: f.depth,
    pushed_at: f.pushedAt?.toISOString() ?? null,
    stars: f.stars,
    fork_count: f.forkCount,
    default_branch: f.defaultBranch,
    head_oid: f.headOid,
    discovered_at: f.discoveredAt.toISOString(),
    public_log: f.crawlStatus
      ? {
          status: f.crawlStatus as NonNullable<ForkView['public_log']>['status'], // the column is text; the crawler writes only these
          commit: f.crawledOid,
          crawled_at: f.crawledAt?.toISOString() ?? null,
          detail: f.crawlDetail,
          rows: f.logRows,
          skipped: f.logSkipped ? (JSON.parse(f.logSkipped) as { line: number; reason: string }[]) : [],
        }
      : null,
  };
}

function encodeCursor(f: ForkRow): string {
  return Buffer.from(JSON.stringify([f.depth, f.nameWithOwner])).toString('base64url');
}

function decodeCursor(cursor: string): { depth: number; name: string } {
  try {
    const [depth, name] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (Number.isInteger(depth) && typeof name === 'string') return { depth: depth as number, name };
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}
