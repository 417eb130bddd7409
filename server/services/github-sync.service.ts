// Schedules GitHub work on the job queue: a sync (discover the upstream's forks, re-check key
// links) on start, every interval, and on demand (`POST /v1/admin/github/sync`).
import type { Logger } from 'pino';
import type { JobRepository } from '../repositories/job.repository.ts';
import { JOB_GITHUB_DISCOVER, JOB_GITHUB_RECHECK_KEYS, JOB_GITHUB_SYNC } from '../jobs/kinds.ts';
import { discoverSubject } from './forks.service.ts';
import { GithubDisabledError } from './errors.ts';

export interface GithubSyncOptions {
  /** `OWNER/NAME` of the repository whose forks are discovered. */
  upstream: string;
  intervalMs: number;
}

export class GithubSyncService {
  constructor(
    private readonly deps: {
      jobs: JobRepository;
      enabled: boolean;
      options: GithubSyncOptions;
      now?: () => Date;
      logger?: Logger;
      /** Wakes the runners after jobs were queued. */
      onQueued?: () => void;
    },
  ) {}

  get enabled(): boolean {
    return this.deps.enabled;
  }

  /** Queues discovery and a key re-check now (each unless one is already waiting). */
  async requestSync(): Promise<{ queued: string[]; already_queued: string[]; upstream: string }> {
    if (!this.deps.enabled) throw new GithubDisabledError('sync with GitHub');
    const wanted: [string, string][] = [
      [JOB_GITHUB_DISCOVER, discoverSubject({ nameWithOwner: this.deps.options.upstream, depth: 1 })],
      [JOB_GITHUB_RECHECK_KEYS, 'due'],
    ];
    const queued: string[] = [];
    const already: string[] = [];
    for (const [kind, subject] of wanted) ((await this.deps.jobs.enqueueOnce(kind, subject)) ? queued : already).push(`${kind}:${subject}`);
    this.deps.onQueued?.();
    return { queued, already_queued: already, upstream: this.deps.options.upstream };
  }

  /** Job handler of the schedule: a sync now, the next one an interval later. */
  async tick(): Promise<void> {
    await this.requestSync();
    const next = new Date((this.deps.now?.() ?? new Date()).getTime() + this.deps.options.intervalMs);
    await this.deps.jobs.enqueueOnce(JOB_GITHUB_SYNC, 'schedule', next);
  }

  /** At start-up: makes sure the schedule exists (a first sync runs now when none is waiting). */
  async start(): Promise<void> {
    if (this.deps.enabled) await this.deps.jobs.enqueueOnce(JOB_GITHUB_SYNC, 'schedule');
  }
}
