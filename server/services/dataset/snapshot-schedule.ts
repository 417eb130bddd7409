// The periodic dataset snapshot on the job queue: one `schedule` job writes a snapshot and queues
// the next an interval later, so one server copy writes it and a restart resumes the schedule.
import type { Logger } from 'pino';
import type { JobRepository } from '../../repositories/job.repository.ts';
import { JobRunner, type JobRunnerOptions } from '../../jobs/job-runner.ts';
import { JOB_DATASET_SNAPSHOT } from '../../jobs/kinds.ts';
import type { SnapshotService } from './snapshot.service.ts';

export const SNAPSHOT_INTERVAL_MS = 24 * 3600_000;

export function scheduleSnapshots(o: {
  jobs: JobRepository;
  snapshots: SnapshotService;
  intervalMs?: number;
  logger?: Logger;
  runner?: Partial<Omit<JobRunnerOptions, 'kind' | 'handle'>>;
}) {
  const interval = o.intervalMs ?? SNAPSHOT_INTERVAL_MS;
  const runner = new JobRunner(o.jobs, {
    kind: JOB_DATASET_SNAPSHOT,
    batchSize: 1,
    pollMs: 60_000,
    leaseMs: 30 * 60_000,
    logger: o.logger,
    ...o.runner,
    handle: async () => {
      const m = await o.snapshots.take();
      o.logger?.info({ snapshot: m.id, files: m.files.map((f) => `${f.name}:${f.rows}`) }, 'dataset snapshot written');
      await o.jobs.enqueueOnce(JOB_DATASET_SNAPSHOT, 'schedule', new Date(Date.now() + interval));
    },
  });
  return {
    runner,
    /** Makes sure the schedule exists (the first snapshot is taken an interval after the first start), then runs it. */
    async start() {
      await o.jobs.enqueueOnce(JOB_DATASET_SNAPSHOT, 'schedule', new Date(Date.now() + interval));
      runner.start();
    },
    stop: () => runner.stop(),
  };
}
