// Builds every service over one database: repositories → services, plus the background job
// runner that assigns ideas. The one place that knows the whole dependency graph.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { RecordRepository } from '../repositories/record.repository.ts';
import { LeaderboardRepository } from '../repositories/leaderboard.repository.ts';
import { IdeaRepository } from '../repositories/idea.repository.ts';
import { IdeaSearchRepository } from '../repositories/idea-search.repository.ts';
import { EvidenceRepository } from '../repositories/evidence.repository.ts';
import { JobRepository } from '../repositories/job.repository.ts';
import { ClaimRepository } from '../repositories/claim.repository.ts';
import { NoiseRepository } from '../repositories/noise.repository.ts';
import { ReplicationRepository } from '../repositories/replication.repository.ts';
import { NoiseService } from './noise.service.ts';
import { ReplicationService } from './replication.service.ts';
import { RecordsService } from './records.service.ts';
import { LeaderboardService } from './leaderboard.service.ts';
import { IdeasService } from './ideas.service.ts';
import { SuggestionsService } from './suggestions.service.ts';
import { SuggestionRepository } from '../repositories/suggestion.repository.ts';
import { ClaimsService } from './claims.service.ts';
import { inlineVerifier, type Verifier } from '../verify/verifier.ts';
import type { Embedder } from './ideas/embedder.ts';
import { localEmbedder } from './ideas/local-embedder.ts';
import { JobRunner, type JobRunnerOptions } from '../jobs/job-runner.ts';
import { WriteActivity } from '../jobs/write-activity.ts';
import { JOB_ASSIGN_IDEA, JOB_REDERIVE } from '../jobs/kinds.ts';
import { createMetrics } from '../observability/metrics.ts';
import { WriteRateLimiter } from './rate-limiter.ts';
import { RateLimitRepository } from '../repositories/rate-limit.repository.ts';
import { TOPIC_RECORDS } from '../db/change-feed.ts';
import { RevokedKeyRepository } from '../repositories/revoked-key.repository.ts';
import { RevocationService } from './revocation.service.ts';
import type { GithubConfig } from '../config.ts';
import { GithubClient, type GithubClientOptions } from '../github/client.ts';
import { KeyLinkRepository } from '../repositories/key-link.repository.ts';
import { ForkRepository } from '../repositories/fork.repository.ts';
import { KeysService } from './keys.service.ts';
import { ForksService, parseDiscoverSubject } from './forks.service.ts';
import { PublicLogsService } from './public-logs.service.ts';
import { GithubSyncService } from './github-sync.service.ts';
import { JOB_GITHUB_CRAWL_FORK, JOB_GITHUB_DISCOVER, JOB_GITHUB_RECHECK_KEYS, JOB_GITHUB_SYNC } from '../jobs/kinds.ts';
import { ExportRepository } from '../repositories/export.repository.ts';
import { CheckEventRepository } from '../repositories/check-event.repository.ts';
import { ExportService } from './export.service.ts';
import { SnapshotService } from './dataset/snapshot.service.ts';
import { GpuTimeService } from './gpu-time.service.ts';
import { scheduleSnapshots } from './dataset/snapshot-schedule.ts';
import { registerSavedTimeMetrics } from '../observability/saved-time-metrics.ts';

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
  /** How long a computed leaderboard is reused (default 1000 ms; 0 = never). */
  leaderboardCacheMs?: number;
  /** GitHub access (key linking, fork discovery, public logs); without a token it is off. */
  github?: Partial<GithubConfig> & { pageSize?: number; client?: Partial<GithubClientOptions> };
  /** Where dataset snapshots are written (unset: none), and how often (default daily). */
  snapshotDir?: string;
  snapshotIntervalMs?: number;
  /** How long after a warning a publication of the same change counts as running it anyway (seconds). */
  savedTimeWindowS?: number;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(o: ServiceOptions) {
  const db = o.database.db;
  const embedder = o.embedder ?? localEmbedder();
  const repos = {
    records: new RecordRepository(db),
    leaderboard: new LeaderboardRepository(db),
    ideas: new IdeaRepository(db),
    ideaSearch: new IdeaSearchRepository(db),
    evidence: new EvidenceRepository(db),
    jobs: new JobRepository(db),
    claims: new ClaimRepository(db),
    revoked: new RevokedKeyRepository(db),
    keyLinks: new KeyLinkRepository(db),
    forks: new ForkRepository(db),
    noise: new NoiseRepository(db),
    replication: new ReplicationRepository(db),
  };
  // Read-only queries that may trail the primary by up to CROSSFORK_READ_MAX_LAG_MS (a streaming
  // replica with DATABASE_READ_URL, else the primary): lists, pages, the leaderboard, check, search.
  const read = o.database.read;
  const readRepos =
    read === db
      ? {
          records: repos.records,
          leaderboard: repos.leaderboard,
          ideas: repos.ideas,
          ideaSearch: repos.ideaSearch,
          evidence: repos.evidence,
          keyLinks: repos.keyLinks,
          noise: repos.noise,
          replication: repos.replication,
        }
      : {
          records: new RecordRepository(read),
          leaderboard: new LeaderboardRepository(read),
          ideas: new IdeaRepository(read),
          ideaSearch: new IdeaSearchRepository(read),
          evidence: new EvidenceRepository(read),
          keyLinks: new KeyLinkRepository(read),
          noise: new NoiseRepository(read),
          replication: new ReplicationRepository(read),
        };
  // What records show changed: every server process on the database drops its caches.
  const recordsChanged = () => o.database.changes.publish(TOPIC_RECORDS);
  const metrics = createMetrics({
    jobs: repos.jobs,
    jobKinds: [
      JOB_ASSIGN_IDEA,
      ...(o.github?.token ? [JOB_GITHUB_SYNC, JOB_GITHUB_DISCOVER, JOB_GITHUB_CRAWL_FORK, JOB_GITHUB_RECHECK_KEYS] : []),
    ],
    processMetrics: o.processMetrics,
    replica: o.database.replica,
  });
  // The noise model per (harness key, class), from replications; recomputed after records change,
  // at most once per leaderboard cache period (fresh at every read when that is 0, as in tests).
  const noise = new NoiseService({ noise: readRepos.noise, staleMs: o.leaderboardCacheMs ?? 0 });
  const replication = new ReplicationService({
    replication: repos.replication,
    reads: readRepos.replication,
    noise,
    defaultHarness: async () => (await readRepos.leaderboard.harnesses())[0]?.harnessId ?? null,
  });
  const ideasDeps = {
    db,
    ideas: repos.ideas,
    search: repos.ideaSearch,
    evidence: repos.evidence,
    records: repos.records,
    jobs: repos.jobs,
    embedder,
    logger: o.logger,
    noise: async (s: Parameters<NoiseService['sigmaFor']>[0]) => (await noise.sigmaFor(s)).sigma,
  };
  const ideas = new IdeasService(ideasDeps);
  // The same rules over the read handle, for the read-only endpoints (check, search, known-bad,
  // idea pages); assignment and re-derivation stay on `ideas` (the primary).
  const ideasRead =
    read === db
      ? ideas
      : new IdeasService({
          ...ideasDeps,
          db: read,
          ideas: readRepos.ideas,
          search: readRepos.ideaSearch,
          evidence: readRepos.evidence,
          records: readRepos.records,
        });
  // What to try next (read-only: over the read handle).
  const suggestions = new SuggestionsService({
    suggestions: new SuggestionRepository(read),
    evidence: readRepos.evidence,
    ideas: readRepos.ideas,
    ideasService: ideasRead,
    noise: ideasDeps.noise,
  });
  const leaderboard = new LeaderboardService({
    leaderboard: readRepos.leaderboard,
    logins: readRepos.keyLinks,
    cacheMs: o.leaderboardCacheMs,
    trust: noise,
  });
  const unsubscribe = o.database.changes.subscribe(TOPIC_RECORDS, () => {
    leaderboard.invalidate();
    noise.invalidate();
  });
  const writes = new WriteActivity();
  const assignments = new JobRunner(repos.jobs, {
    kind: JOB_ASSIGN_IDEA,
    // Acknowledging records comes first; assignment catches up between and after bursts. On
    // PGlite (one connection, on this thread) a smaller batch while writes wait holds it less.
    yieldWhile: () => writes.busy,
    // A batch's look-ups and writes are a few statements however many records it holds, so
    // bigger batches keep up with ingest (PGlite: one connection, on this thread, smaller).
    ...(o.database.driver === 'pglite' ? { batchSize: 128, busyBatchSize: 32 } : { batchSize: 500 }),
    // Assignment can clear the flag of a replicated result, which then ranks.
    handle: async (jobs) => {
      await ideas.assign(jobs.map((j) => j.subject));
      recordsChanged();
    },
    logger: o.logger,
    ...o.runner,
  });
  // Re-derivation after a catalogue (or derivation rules) change: one job walks the records in
  // batches, each queueing the next, so the work is spread out and resumes after a restart.
  const rederivation = new JobRunner(repos.jobs, {
    kind: JOB_REDERIVE,
    batchSize: 1,
    yieldWhile: () => writes.busy,
    handle: async ([job]) => {
      const next = await ideas.rederive(Number(job.subject) || 0);
      if (next !== null) await repos.jobs.enqueue(JOB_REDERIVE, [String(next)]);
      recordsChanged();
    },
    logger: o.logger,
    ...o.runner,
  });
  const gh = o.github ?? {};
  const githubClient = gh.token ? new GithubClient({ token: gh.token, baseUrl: gh.apiUrl, logger: o.logger, ...gh.client }) : null;
  /** The GitHub job runners by kind (none without a token). */
  const githubRunners = new Map<string, JobRunner>();
  const pokeGithub = () => githubRunners.forEach((r) => r.poke());
  const keys = new KeysService({ links: repos.keyLinks, github: githubClient, revoked: repos.revoked, now: o.now, logger: o.logger });
  const forks = new ForksService({
    forks: repos.forks,
    jobs: repos.jobs,
    github: githubClient,
    maxDepth: gh.forkDepth ?? 1,
    pageSize: gh.pageSize,
    logger: o.logger,
    onQueued: pokeGithub,
  });
  const publicLogs = new PublicLogsService({
    db,
    forks: repos.forks,
    records: repos.records,
    jobs: repos.jobs,
    github: githubClient,
    logger: o.logger,
    onStored: (n) => {
      metrics.recordsIngested(n);
      recordsChanged();
      assignments.poke();
    },
  });
  const githubSync = new GithubSyncService({
    jobs: repos.jobs,
    enabled: githubClient !== null,
    options: { upstream: gh.upstream ?? 'karpathy/autoresearch', intervalMs: gh.syncIntervalMs ?? 6 * 3600_000 },
    now: o.now,
    logger: o.logger,
    onQueued: pokeGithub,
  });
  if (githubClient) {
    // One job at a time per kind; long leases, since a rate-limit wait may hold a job for minutes.
    const each = (kind: string, handle: (subject: string) => Promise<unknown>) =>
      githubRunners.set(
        kind,
        new JobRunner(repos.jobs, {
          kind,
          batchSize: 1,
          pollMs: 5000,
          leaseMs: 30 * 60_000,
          logger: o.logger,
          ...o.runner,
          handle: async ([job]) => void (await handle(job.subject)),
        }),
      );
    each(JOB_GITHUB_SYNC, () => githubSync.tick());
    each(JOB_GITHUB_DISCOVER, (s) => forks.discover(parseDiscoverSubject(s)));
    each(JOB_GITHUB_CRAWL_FORK, (id) => publicLogs.crawl(id));
    each(JOB_GITHUB_RECHECK_KEYS, () => keys.recheck(gh.keyRecheckMs ?? 24 * 3600_000));
  }
  // The open dataset: the export and snapshots read the read handle; warned checks go to the primary.
  const exporter = new ExportService({ exports: new ExportRepository(read), noise });
  const snapshots = new SnapshotService({ dir: o.snapshotDir ?? null, exporter, exports: new ExportRepository(read), now: o.now });
  const gpuTime = new GpuTimeService({ checks: new CheckEventRepository(db), windowS: o.savedTimeWindowS, now: o.now });
  registerSavedTimeMetrics(metrics.registry, gpuTime);
  const snapshotRunner = o.snapshotDir
    ? scheduleSnapshots({ jobs: repos.jobs, snapshots, intervalMs: o.snapshotIntervalMs, logger: o.logger, runner: o.runner })
    : null;
  return {
    database: o.database,
    repos,
    exporter,
    snapshots,
    gpuTime,
    snapshotRunner,
    /** Repositories over `database.read` (a replica when configured): for read-only queries only. */
    readRepos,
    embedder,
    metrics,
    writeLimiter: new WriteRateLimiter(new RateLimitRepository(db), o.rateLimitWrites ?? 600, o.now ? () => o.now!().getTime() : undefined),
    ideas,
    /** `ideas` over `database.read`: only for answering (never assign through it). */
    ideasRead,
    suggestions,
    assignments,
    rederivation,
    /** Write requests in flight (counted by the app from the first byte of the body). */
    writes,
    noise,
    replication,
    records: new RecordsService({
      db,
      records: repos.records,
      reads: readRepos.records,
      jobs: repos.jobs,
      verifier: o.verifier ?? inlineVerifier(),
      revoked: repos.revoked,
      logins: readRepos.keyLinks,
      replication,
      onStored: (n) => {
        metrics.recordsIngested(n);
        recordsChanged();
        assignments.poke();
      },
    }),
    revocation: new RevocationService({
      db,
      revoked: repos.revoked,
      evidence: repos.evidence,
      refreshIdeas: (ids, tx) => ideas.refreshIdeas(ids, tx),
      logger: o.logger,
      onChanged: recordsChanged,
    }),
    leaderboard,
    claims: new ClaimsService({ claims: repos.claims, embedder, now: o.now, revoked: repos.revoked }),
    keys,
    forks,
    publicLogs,
    githubSync,
    githubClient,
    githubRunners,
    /** Prepares indexes and starts the background workers (and the GitHub schedule, when configured). */
    async start() {
      await ideas.init();
      // Records stored under another catalogue version are re-derived in the background.
      if (await ideas.needsRederive()) await repos.jobs.enqueueOnce(JOB_REDERIVE, '0');
      assignments.start();
      rederivation.start();
      await githubSync.start();
      githubRunners.forEach((r) => r.start());
      await snapshotRunner?.start();
    },
    async stop() {
      unsubscribe();
      await Promise.all([
        assignments.stop(),
        rederivation.stop(),
        ...[...githubRunners.values()].map((r) => r.stop()),
        ...(snapshotRunner ? [snapshotRunner.stop()] : []),
      ]);
    },
  };
}
