// Builds every service over one database: repositories → services, plus the background work
// (server/jobs/background.ts) that each process runs or leaves to another. The one place that
// knows the whole dependency graph.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { repositoriesOver, type Repositories } from '../repositories/index.ts';
import { NoiseService } from './noise.service.ts';
import { ReplicationService } from './replication.service.ts';
import { RecordsService } from './records.service.ts';
import { LeaderboardService } from './leaderboard.service.ts';
import { IdeasService, type PreparedAssignment } from './ideas.service.ts';
import { SuggestionsService } from './suggestions.service.ts';
import { ClaimsService } from './claims.service.ts';
import { inlineVerifier, type Verifier } from '../verify/verifier.ts';
import type { Embedder } from './ideas/embedder.ts';
import { localEmbedder } from './ideas/local-embedder.ts';
import type { RecordReader } from './ideas/record-reader.ts';
import type { JobRunnerOptions } from '../jobs/job-runner.ts';
import { WriteActivity } from '../jobs/write-activity.ts';
import { JOB_REDERIVE, JOB_GITHUB_CRAWL_FORK, JOB_GITHUB_DISCOVER, JOB_GITHUB_RECHECK_KEYS, JOB_GITHUB_SYNC } from '../jobs/kinds.ts';
import { createBackground, reportedJobKinds } from '../jobs/background.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { WriteRateLimiter } from './rate-limiter.ts';
import { TOPIC_JOBS, TOPIC_RECORDS } from '../db/change-feed.ts';
import { RevocationService } from './revocation.service.ts';
import type { GithubConfig } from '../config.ts';
import { GithubClient, type GithubClientOptions } from '../github/client.ts';
import { KeysService } from './keys.service.ts';
import { ForksService, parseDiscoverSubject } from './forks.service.ts';
import { PublicLogsService } from './public-logs.service.ts';
import { GithubSyncService } from './github-sync.service.ts';
import { ExportService } from './export.service.ts';
import { SnapshotService } from './dataset/snapshot.service.ts';
import { GpuTimeService } from './gpu-time.service.ts';
import { registerSavedTimeMetrics } from '../observability/saved-time-metrics.ts';
import { DEFAULT_VACUUM_INTERVAL_S } from '../jobs/upkeep.ts';

export interface ServiceOptions {
  database: Database;
  embedder?: Embedder;
  /** How idea assignment reads records (default inline); closed when the services stop. */
  recordReader?: RecordReader;
  verifier?: Verifier;
  logger?: Logger;
  /** Writes in flight, shared with the API thread when this is a background worker thread. */
  writes?: WriteActivity;
  /** Overrides for the idea-assignment runner (tests shorten the backoff). */
  runner?: Partial<Omit<JobRunnerOptions, 'kind' | 'handle'>>;
  now?: () => Date;
  /** Also export the process's CPU, memory and event-loop metrics (the server does; tests need not). */
  processMetrics?: boolean;
  /** Write requests a minute per IP and per key (default 600; 0 = unlimited). */
  rateLimitWrites?: number;
  /**
   * The staleness bound of shared read state (leaderboard, noise model, record standings,
   * plausibility peers): a change shows within it (default 0: at the next read, as tests expect).
   */
  stalenessMs?: number;
  /**
   * Whether this process runs the background work (assignment, re-derivation, GitHub, snapshots)
   * when started (default true); false in an API process whose worker runs elsewhere. The
   * runners exist either way (tests drain them).
   */
  background?: boolean;
  /** GitHub access (key linking, fork discovery, public logs); without a token it is off. */
  github?: Partial<GithubConfig> & { pageSize?: number; client?: Partial<GithubClientOptions> };
  /** Where dataset snapshots are written (unset: none), and how often (default daily). */
  snapshotDir?: string;
  snapshotIntervalMs?: number;
  /** How often background work vacuums the tables it churns (jobs, ideas, idea_evidence) while it runs; 0 never (default 5 s). */
  vacuumIntervalMs?: number;
  /** How long after a warning a publication of the same change counts as running it anyway (seconds). */
  savedTimeWindowS?: number;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(o: ServiceOptions) {
  const db = o.database.db;
  const read = o.database.read;
  const embedder = o.embedder ?? localEmbedder();
  const staleMs = o.stalenessMs ?? 0;
  const repos = repositoriesOver(db);
  // Read-only queries that may trail the primary by up to CROSSFORK_READ_MAX_LAG_MS (a streaming
  // replica with DATABASE_READ_URL, else the primary): lists, pages, the leaderboard, check, search.
  const readRepos: Repositories = read === db ? repos : repositoriesOver(read);
  // What records show changed: every server process on the database refreshes its read state.
  const recordsChanged = () => o.database.changes.publish(TOPIC_RECORDS);
  const metrics = createMetrics({
    jobs: repos.jobs,
    jobKinds: reportedJobKinds(!!o.github?.token),
    processMetrics: o.processMetrics,
    replica: o.database.replica,
  });
  const { noise, replication, leaderboard } = readState(o, repos, readRepos, staleMs);
  const { ideas, ideasRead } = ideasServices(o, repos, readRepos, embedder, noise);
  const writes = o.writes ?? new WriteActivity();
  const github = githubServices(
    o,
    repos,
    () => background.pokeGithub(),
    (n) => onStored(n),
  );
  const { exporter, snapshots, gpuTime } = datasetServices(o, repos, readRepos, noise, metrics);
  const background = createBackground({
    jobs: repos.jobs,
    driver: o.database.driver,
    writes,
    prepareAssign: (ids) => ideas.prepareAssignment(ids),
    assign: async (ids, prepared) => {
      await ideas.assign(ids, prepared as PreparedAssignment | undefined);
      await replication.settle(ids);
    },
    rederive: (after) => ideas.rederive(after),
    recordsChanged,
    github: github.handlers,
    snapshots: o.snapshotDir ? { service: snapshots, intervalMs: o.snapshotIntervalMs } : null,
    upkeep: { vacuum: () => repos.upkeep.vacuumChurned(), intervalMs: o.vacuumIntervalMs ?? DEFAULT_VACUUM_INTERVAL_S * 1000 },
    logger: o.logger,
    runner: o.runner,
  });
  // Stored here: this process's caches and background work hear at once; other processes
  // (another server, the worker) through the change feed.
  function onStored(n: number) {
    metrics.recordsIngested(n);
    recordsChanged();
    o.database.changes.publish(TOPIC_JOBS);
  }
  const runsBackground = o.background ?? true;
  const unsubscribe = [
    o.database.changes.subscribe(TOPIC_RECORDS, () => {
      leaderboard.invalidate();
      noise.invalidate();
      replication.invalidate();
    }),
    o.database.changes.subscribe(TOPIC_JOBS, () => runsBackground && background.pokeAssignments()),
  ];
  const { records, revocation } = recordServices(o, repos, readRepos, replication, ideas, onStored, recordsChanged);
  return {
    database: o.database,
    repos,
    exporter,
    snapshots,
    gpuTime,
    snapshotRunner: background.snapshotRunner,
    /** Repositories over `database.read` (a replica when configured): for read-only queries only. */
    readRepos,
    embedder,
    metrics,
    writeLimiter: new WriteRateLimiter(repos.rateLimits, o.rateLimitWrites ?? 600, o.now ? () => o.now!().getTime() : undefined),
    ideas,
    /** `ideas` over `database.read`: only for answering (never assign through it). */
    ideasRead,
    suggestions: new SuggestionsService({
      suggestions: readRepos.suggestions,
      evidence: readRepos.evidence,
      ideas: readRepos.ideas,
      ideasService: ideasRead,
      noise: async (scope) => (await noise.sigmaFor(scope)).sigma,
    }),
    assignments: background.assignments,
    rederivation: background.rederivation,
    /** Write requests in flight (counted by the app from the first byte of the body). */
    writes,
    noise,
    replication,
    records,
    revocation,
    leaderboard,
    claims: new ClaimsService({ claims: repos.claims, embedder, now: o.now, revoked: repos.revoked }),
    keys: github.keys,
    forks: github.forks,
    publicLogs: github.publicLogs,
    githubSync: github.githubSync,
    githubClient: github.client,
    githubRunners: background.githubRunners,
    /** Prepares indexes and, where this process runs background work, starts it (and the GitHub schedule, when configured). */
    async start() {
      await ideas.init();
      if (!runsBackground) return;
      // Records stored under another catalogue version are re-derived in the background.
      if (await ideas.needsRederive()) await repos.jobs.enqueueOnce(JOB_REDERIVE, '0');
      await github.githubSync.start();
      await background.start();
    },
    async stop() {
      unsubscribe.forEach((off) => off());
      await background.stop();
      await o.recordReader?.close();
    },
  };
}

/**
 * The read state shared by readers, refreshed within the staleness bound after records change:
 * the noise model per (harness key, class), replication standings and plausibility peers, boards.
 */
function readState(o: ServiceOptions, repos: Repositories, readRepos: Repositories, staleMs: number) {
  const onError = (err: unknown) => o.logger?.warn({ err: String(err) }, 'background refresh of read state failed');
  const noise = new NoiseService({ noise: readRepos.noise, staleMs, onError });
  const replication = new ReplicationService({
    replication: repos.replication,
    reads: readRepos.replication,
    noise,
    staleMs,
    defaultHarness: async () => (await readRepos.leaderboard.harnesses())[0]?.harnessId ?? null,
  });
  const leaderboard = new LeaderboardService({
    leaderboard: readRepos.leaderboard,
    logins: readRepos.keyLinks,
    staleMs,
    trust: noise,
    onError,
  });
  return { noise, replication, leaderboard };
}

/** The open dataset: the export and snapshots read the read handle; warned checks (saved GPU time) go to the primary. */
function datasetServices(o: ServiceOptions, repos: Repositories, readRepos: Repositories, noise: NoiseService, metrics: Metrics) {
  const exporter = new ExportService({ exports: readRepos.exports, noise });
  const snapshots = new SnapshotService({ dir: o.snapshotDir ?? null, exporter, exports: readRepos.exports, now: o.now });
  const gpuTime = new GpuTimeService({ checks: repos.checks, windowS: o.savedTimeWindowS, now: o.now });
  registerSavedTimeMetrics(metrics.registry, gpuTime);
  return { exporter, snapshots, gpuTime };
}

/** Ingest (verify, admit, store) and revocation, over the primary. */
function recordServices(
  o: ServiceOptions,
  repos: Repositories,
  readRepos: Repositories,
  replication: ReplicationService,
  ideas: IdeasService,
  onStored: (n: number) => void,
  recordsChanged: () => void,
) {
  const records = new RecordsService({
    db: o.database.db,
    records: repos.records,
    reads: readRepos.records,
    jobs: repos.jobs,
    verifier: o.verifier ?? inlineVerifier(),
    revoked: repos.revoked,
    logins: readRepos.keyLinks,
    replication,
    onStored,
  });
  const revocation = new RevocationService({
    db: o.database.db,
    revoked: repos.revoked,
    evidence: repos.evidence,
    refreshIdeas: (ids, tx) => ideas.refreshIdeas(ids, tx),
    logger: o.logger,
    onChanged: recordsChanged,
  });
  return { records, revocation };
}

/** Ideas over the primary (assignment, re-derivation) and, with a replica, the same rules over the read handle (answers). */
function ideasServices(o: ServiceOptions, repos: Repositories, readRepos: Repositories, embedder: Embedder, noise: NoiseService) {
  const deps = {
    db: o.database.db,
    ideas: repos.ideas,
    search: repos.ideaSearch,
    evidence: repos.evidence,
    records: repos.records,
    jobs: repos.jobs,
    embedder,
    reader: o.recordReader,
    logger: o.logger,
    noise: async (s: Parameters<NoiseService['sigmaFor']>[0]) => (await noise.sigmaFor(s)).sigma,
  };
  const ideas = new IdeasService(deps);
  const ideasRead =
    readRepos === repos
      ? ideas
      : new IdeasService({
          ...deps,
          db: o.database.read,
          ideas: readRepos.ideas,
          search: readRepos.ideaSearch,
          evidence: readRepos.evidence,
          records: readRepos.records,
        });
  return { ideas, ideasRead };
}

/** GitHub access (key links, fork discovery, public logs, the sync schedule) and its job handlers; handlers only with a token. */
function githubServices(o: ServiceOptions, repos: Repositories, pokeGithub: () => void, onStored: (n: number) => void) {
  const gh = o.github ?? {};
  const client = gh.token ? new GithubClient({ token: gh.token, baseUrl: gh.apiUrl, logger: o.logger, ...gh.client }) : null;
  const keys = new KeysService({ links: repos.keyLinks, github: client, revoked: repos.revoked, now: o.now, logger: o.logger });
  const forks = new ForksService({
    forks: repos.forks,
    jobs: repos.jobs,
    github: client,
    maxDepth: gh.forkDepth ?? 1,
    pageSize: gh.pageSize,
    logger: o.logger,
    onQueued: pokeGithub,
  });
  const publicLogs = new PublicLogsService({
    db: o.database.db,
    forks: repos.forks,
    records: repos.records,
    jobs: repos.jobs,
    github: client,
    logger: o.logger,
    onStored,
  });
  const githubSync = new GithubSyncService({
    jobs: repos.jobs,
    enabled: client !== null,
    options: { upstream: gh.upstream ?? 'karpathy/autoresearch', intervalMs: gh.syncIntervalMs ?? 6 * 3600_000 },
    now: o.now,
    logger: o.logger,
    onQueued: pokeGithub,
  });
  const handlers = client
    ? {
        [JOB_GITHUB_SYNC]: () => githubSync.tick(),
        [JOB_GITHUB_DISCOVER]: (s: string) => forks.discover(parseDiscoverSubject(s)),
        [JOB_GITHUB_CRAWL_FORK]: (id: string) => publicLogs.crawl(id),
        [JOB_GITHUB_RECHECK_KEYS]: () => keys.recheck(gh.keyRecheckMs ?? 24 * 3600_000),
      }
    : undefined;
  return { client, keys, forks, publicLogs, githubSync, handlers };
}
