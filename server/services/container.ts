// Builds every service over one database: repositories → services, plus the background job
// runner that assigns ideas. The one place that knows the whole dependency graph.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { RecordRepository } from '../repositories/record.repository.ts';
import { LeaderboardRepository } from '../repositories/leaderboard.repository.ts';
import { IdeaRepository } from '../repositories/idea.repository.ts';
import { EvidenceRepository } from '../repositories/evidence.repository.ts';
import { JobRepository } from '../repositories/job.repository.ts';
import { ClaimRepository } from '../repositories/claim.repository.ts';
import { RecordsService } from './records.service.ts';
import { LeaderboardService } from './leaderboard.service.ts';
import { IdeasService } from './ideas.service.ts';
import { ClaimsService } from './claims.service.ts';
import { inlineVerifier, type Verifier } from './verifier.ts';
import type { Embedder } from './ideas/embedder.ts';
import { localEmbedder } from './ideas/local-embedder.ts';
import { JobRunner, type JobRunnerOptions } from '../jobs/job-runner.ts';
import { JOB_ASSIGN_IDEA } from '../jobs/kinds.ts';
import { createMetrics } from '../observability/metrics.ts';
import { WriteRateLimiter } from './rate-limiter.ts';
import { RevokedKeyRepository } from '../repositories/revoked-key.repository.ts';
import { RevocationService } from './revocation.service.ts';

export interface ServiceOptions {
  database: Database;
  embedder?: Embedder;
  verifier?: Verifier;
  logger?: Logger;
  /** Overrides for the idea-assignment runner (tests shorten the backoff). */
  runner?: Partial<Omit<JobRunnerOptions, 'kind' | 'handle'>>;
  now?: () => Date;
  /** Also export the process's CPU, memory and event-loop metrics (the server does; tests need not). */
  processMetrics?: boolean;
  /** Write requests a minute per IP and per key (default 600; 0 = unlimited). */
  rateLimitWrites?: number;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(o: ServiceOptions) {
  const db = o.database.db;
  const embedder = o.embedder ?? localEmbedder();
  const repos = {
    records: new RecordRepository(db),
    leaderboard: new LeaderboardRepository(db),
    ideas: new IdeaRepository(db),
    evidence: new EvidenceRepository(db),
    jobs: new JobRepository(db),
    claims: new ClaimRepository(db),
    revoked: new RevokedKeyRepository(db),
  };
  const metrics = createMetrics({ jobs: repos.jobs, jobKinds: [JOB_ASSIGN_IDEA], processMetrics: o.processMetrics });
  const ideas = new IdeasService({ db, ideas: repos.ideas, evidence: repos.evidence, records: repos.records, embedder, logger: o.logger });
  const assignments = new JobRunner(repos.jobs, {
    kind: JOB_ASSIGN_IDEA,
    handle: (jobs) => ideas.assign(jobs.map((j) => j.subject)),
    logger: o.logger,
    ...o.runner,
  });
  return {
    database: o.database,
    repos,
    embedder,
    metrics,
    writeLimiter: new WriteRateLimiter(o.rateLimitWrites ?? 600, o.now ? () => o.now!().getTime() : Date.now),
    ideas,
    assignments,
    records: new RecordsService({ db, records: repos.records, jobs: repos.jobs, verifier: o.verifier ?? inlineVerifier(), revoked: repos.revoked, onStored: (n) => {
        metrics.recordsIngested(n);
        assignments.poke();
      } }),
    revocation: new RevocationService({ db, revoked: repos.revoked, evidence: repos.evidence, logger: o.logger }),
    leaderboard: new LeaderboardService({ leaderboard: repos.leaderboard }),
    claims: new ClaimsService({ claims: repos.claims, embedder, now: o.now, revoked: repos.revoked }),
    /** Prepares indexes and starts the background worker. */
    async start() {
      await ideas.init();
      assignments.start();
    },
    async stop() {
      await assignments.stop();
    },
  };
}
