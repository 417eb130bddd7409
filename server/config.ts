// Server configuration from the environment, with the defaults DESIGN.md promises.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_VACUUM_INTERVAL_S } from './jobs/upkeep.ts';

export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  /** A streaming replica of `databaseUrl` for read-only queries. */
  databaseReadUrl?: string;
  /** Past this staleness (ms) reads leave the replica for the primary until it catches up. */
  readMaxLagMs: number;
  /** How long a job lease lasts without a heartbeat: a killed process's jobs run elsewhere after it. */
  jobLeaseMs: number;
  dataDir: string;
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
  logLevel: string;
  /** Worker threads verifying batch signatures; 0 verifies on the main thread. */
  verifyThreads: number;
  /** On PostgreSQL, read records for idea assignment in a worker thread of their own (the catalogue's CPU); false reads them where assignment runs. */
  readerThread: boolean;
  /** pgvector hnsw.ef_search for idea look-ups. */
  efSearch: number;
  /** Named prepared statements on PostgreSQL (off behind a pooler in transaction mode, which cannot keep them). */
  preparedStatements: boolean;
  /** Write requests a minute per client IP and per signing key; 0 = unlimited. */
  rateLimitWrites: number;
  /**
   * The staleness bound of shared read state (leaderboard, noise model, record standings,
   * plausibility peers), in ms: a change shows in their answers within it; 0 = at the next read.
   */
  stalenessMs: number;
  /** Which background work this process runs: all of it (`all`), none (`api`), or only it (`worker`, no HTTP but /healthz and /metrics). */
  role: ServerRole;
  /** Take the client IP from X-Forwarded-For (set only behind a proxy that writes it). */
  trustProxy: boolean;
  /** Bearer token of `/v1/admin/*`; unset disables those endpoints. */
  adminToken?: string;
  github: GithubConfig;
  /** Where dataset snapshots (Parquet) are written, and how often; how long a warning is followed up. */
  snapshotDir: string;
  snapshotIntervalMs: number;
  savedTimeWindowS: number;
  /** How often background work vacuums the tables it churns; 0 never. */
  vacuumIntervalMs: number;
}

export type ServerRole = 'all' | 'api' | 'worker';

function serverRole(raw: string | undefined): ServerRole {
  const role = raw?.trim() || 'all';
  if (role !== 'all' && role !== 'api' && role !== 'worker') throw new Error(`CROSSFORK_ROLE must be all, api or worker, got "${raw}"`);
  return role;
}

export interface GithubConfig {
  /** GITHUB_TOKEN; unset: no key linking, no discovery (the endpoints answer 503). */
  token?: string;
  /** The base URL @octokit/graphql posts `/graphql` to. */
  apiUrl: string;
  /** `OWNER/NAME` whose forks are discovered. */
  upstream: string;
  /** Levels of forks followed (1: direct forks of the upstream). */
  forkDepth: number;
  syncIntervalMs: number;
  /** A key link is re-checked against GitHub when its last check is older than this. */
  keyRecheckMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: int(env, 'PORT', 8787),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    databaseReadUrl: env.DATABASE_READ_URL || undefined,
    readMaxLagMs: int(env, 'CROSSFORK_READ_MAX_LAG_MS', 1000),
    jobLeaseMs: Math.max(1, int(env, 'CROSSFORK_JOB_LEASE_S', 30)) * 1000,
    dataDir: resolve(env.CROSSFORK_DATA_DIR || './data'),
    maxBodyBytes: int(env, 'CROSSFORK_MAX_BODY_BYTES', 1024 * 1024),
    maxBatchBodyBytes: int(env, 'CROSSFORK_MAX_BATCH_BODY_BYTES', 32 * 1024 * 1024),
    logLevel: env.LOG_LEVEL || 'info',
    verifyThreads: int(env, 'CROSSFORK_VERIFY_THREADS', Math.min(availableParallelism(), 8)),
    readerThread: !/^(0|false|no|off)$/i.test(env.CROSSFORK_READER_THREAD ?? ''),
    efSearch: int(env, 'CROSSFORK_HNSW_EF_SEARCH', 100),
    preparedStatements: !/^(0|false|no|off)$/i.test(env.CROSSFORK_PG_PREPARE ?? ''),
    rateLimitWrites: int(env, 'CROSSFORK_RATE_LIMIT_WRITES', 600),
    // CROSSFORK_LEADERBOARD_CACHE_MS is its name before 0.2.
    stalenessMs: int(env, 'CROSSFORK_STALENESS_MS', int(env, 'CROSSFORK_LEADERBOARD_CACHE_MS', 1000)),
    role: serverRole(env.CROSSFORK_ROLE),
    trustProxy: /^(1|true|yes)$/i.test(env.CROSSFORK_TRUST_PROXY ?? ''),
    adminToken: env.CROSSFORK_ADMIN_TOKEN || undefined,
    github: githubConfig(env),
    snapshotDir: resolve(env.CROSSFORK_SNAPSHOT_DIR || join(env.CROSSFORK_DATA_DIR || './data', 'snapshots')),
    snapshotIntervalMs: Math.max(60, int(env, 'CROSSFORK_SNAPSHOT_INTERVAL_S', 24 * 3600)) * 1000,
    savedTimeWindowS: Math.max(1, int(env, 'CROSSFORK_SAVED_TIME_WINDOW_S', 24 * 3600)),
    vacuumIntervalMs: Math.max(0, int(env, 'CROSSFORK_VACUUM_INTERVAL_S', DEFAULT_VACUUM_INTERVAL_S)) * 1000,
  };
}

export function githubConfig(env: NodeJS.ProcessEnv = process.env): GithubConfig {
  const upstream = env.CROSSFORK_UPSTREAM || 'karpathy/autoresearch';
  if (!/^[\w.-]+\/[\w.-]+$/.test(upstream)) throw new Error(`CROSSFORK_UPSTREAM must be OWNER/NAME, got "${upstream}"`);
  const forkDepth = int(env, 'CROSSFORK_FORK_DEPTH', 1);
  if (forkDepth < 1 || forkDepth > 5) throw new Error(`CROSSFORK_FORK_DEPTH must be 1..5, got ${forkDepth}`);
  const syncS = int(env, 'CROSSFORK_GITHUB_SYNC_INTERVAL_S', 6 * 3600);
  if (syncS < 60) throw new Error(`CROSSFORK_GITHUB_SYNC_INTERVAL_S must be at least 60, got ${syncS}`);
  return {
    token: env.GITHUB_TOKEN || undefined,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    upstream,
    forkDepth,
    syncIntervalMs: syncS * 1000,
    keyRecheckMs: int(env, 'CROSSFORK_KEY_RECHECK_S', 24 * 3600) * 1000,
  };
}
