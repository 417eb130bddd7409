// The background work of a server, off the request path: one job runner per kind (idea
// assignment, re-derivation, GitHub sync, dataset snapshots), each with its handler, and the
// upkeep of the tables they churn. Built in every process (tests and benches drain them),
// started only where background work runs.
import type { Logger } from 'pino';
import type { JobRepository } from '../repositories/job.repository.ts';
import type { JobRow } from '../db/schema/jobs.ts';
import { JobRunner, type JobRunnerOptions } from './job-runner.ts';
import {
  JOB_ASSIGN_IDEA,
  JOB_GITHUB_CRAWL_FORK,
  JOB_GITHUB_DISCOVER,
  JOB_GITHUB_RECHECK_KEYS,
  JOB_GITHUB_SYNC,
  JOB_REDERIVE,
} from './kinds.ts';
import type { WriteActivity } from './write-activity.ts';
import { scheduleSnapshots } from '../services/dataset/snapshot-schedule.ts';
import type { SnapshotService } from '../services/dataset/snapshot.service.ts';
import { scheduleUpkeep } from './upkeep.ts';

type RunnerOverrides = Partial<Omit<JobRunnerOptions, 'kind' | 'handle'>>;

export interface BackgroundDeps {
  jobs: JobRepository;
  driver: 'pglite' | 'postgres';
  /** Writes in flight in this process: background passes step aside for them. */
  writes: WriteActivity;
  /** Gives records their ideas (a batch of record ids), with what `prepareAssign` made of them when given. */
  assign(recordIds: string[], prepared?: unknown): Promise<void>;
  /** The part of assigning a batch that needs no lock; the next batch's runs while one is assigned (PostgreSQL only). */
  prepareAssign?(recordIds: string[]): Promise<unknown>;
  /** Re-derives one batch of records from `afterSeq`; the seq to continue after, or null when done. */
  rederive(afterSeq: number): Promise<number | null>;
  /** Announces that records changed (caches everywhere refresh). */
  recordsChanged(): void;
  /** The GitHub handlers by job kind (absent without a token). */
  github?: Record<string, (subject: string) => Promise<unknown>>;
  snapshots?: { service: SnapshotService; intervalMs?: number } | null;
  /** Vacuums the tables assignment and re-derivation churn, every `intervalMs` in which they ran (0: never). */
  upkeep?: { vacuum(): Promise<void>; intervalMs: number } | null;
  logger?: Logger;
  runner?: RunnerOverrides;
}

export type Background = ReturnType<typeof createBackground>;

export function createBackground(d: BackgroundDeps) {
  const upkeep = d.upkeep ? scheduleUpkeep({ ...d.upkeep, logger: d.logger }) : null;
  const assignments = assignmentRunner(d, () => upkeep?.touched());
  const rederivation = new JobRunner(d.jobs, {
    kind: JOB_REDERIVE,
    // One job walks the records in batches, each queueing the next: the work is spread out and resumes after a restart.
    batchSize: 1,
    yieldWhile: () => d.writes.busy,
    handle: async ([job]) => {
      const next = await d.rederive(Number(job.subject) || 0);
      if (next !== null) await d.jobs.enqueue(JOB_REDERIVE, [String(next)]);
      upkeep?.touched();
      d.recordsChanged();
    },
    logger: d.logger,
    ...d.runner,
  });
  const githubRunners = new Map<string, JobRunner>();
  for (const [kind, handle] of Object.entries(d.github ?? {}))
    githubRunners.set(
      kind,
      // One job at a time per kind; long leases, since a rate-limit wait may hold a job for minutes.
      new JobRunner(d.jobs, {
        kind,
        batchSize: 1,
        pollMs: 5000,
        leaseMs: 30 * 60_000,
        logger: d.logger,
        ...d.runner,
        handle: async ([job]) => void (await handle(job.subject)),
      }),
    );
  const snapshotRunner = d.snapshots
    ? scheduleSnapshots({
        jobs: d.jobs,
        snapshots: d.snapshots.service,
        intervalMs: d.snapshots.intervalMs,
        logger: d.logger,
        runner: d.runner,
      })
    : null;
  const all = () => [assignments, rederivation, ...githubRunners.values()];
  return {
    assignments,
    rederivation,
    githubRunners,
    snapshotRunner,
    /** Records were stored (here or in another process): assignment runs soon. */
    pokeAssignments: () => assignments.poke(),
    pokeGithub: () => githubRunners.forEach((r) => r.poke()),
    async start() {
      for (const r of all()) r.start();
      upkeep?.start();
      await snapshotRunner?.start();
    },
    async stop() {
      await Promise.all([...all().map((r) => r.stop()), ...(snapshotRunner ? [snapshotRunner.stop()] : []), upkeep?.stop()]);
    },
  };
}

/** The job kinds whose queue depth a process reports (GitHub's only with a token). */
export function reportedJobKinds(github: boolean): string[] {
  return [JOB_ASSIGN_IDEA, ...(github ? [JOB_GITHUB_SYNC, JOB_GITHUB_DISCOVER, JOB_GITHUB_CRAWL_FORK, JOB_GITHUB_RECHECK_KEYS] : [])];
}

function assignmentRunner(d: BackgroundDeps, touched: () => void): JobRunner {
  return new JobRunner(d.jobs, {
    kind: JOB_ASSIGN_IDEA,
    // Acknowledging records comes first; assignment catches up between and after bursts.
    yieldWhile: () => d.writes.busy,
    // A batch's look-ups and writes are a few statements however many records it holds, so
    // bigger batches keep up with ingest (PGlite: one connection, on this thread, smaller, and
    // smaller still while writes wait, to hold it less).
    ...(d.driver === 'pglite' ? { batchSize: 128, busyBatchSize: 32 } : { batchSize: 500 }),
    // Assignment can clear the flag of a replicated result, which then ranks.
    handle: async (jobs, prepared) => {
      await d.assign(
        jobs.map((j) => j.subject),
        prepared,
      );
      touched();
      d.recordsChanged();
    },
    // On PostgreSQL the database works in its own process: the next batch is read, parsed and
    // embedded here while it writes this one. PGlite runs on this thread, so nothing would overlap.
    ...(d.driver === 'postgres' && d.prepareAssign ? { prepare: (jobs: JobRow[]) => d.prepareAssign!(jobs.map((j) => j.subject)) } : {}),
    logger: d.logger,
    ...d.runner,
  });
}
