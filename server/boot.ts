// Opens the database (migrating it) and builds the services over it, as configured: shared by
// the API process, the background worker thread and a worker-role process.
import type { Logger } from 'pino';
import pino from 'pino';
import type { ServerConfig } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import type { Verifier } from './verify/verifier.ts';
import type { WriteActivity } from './jobs/write-activity.ts';
import { createServices, type Services } from './services/container.ts';
import { embedderFromEnv } from './services/ideas/embedder-config.ts';
import { threadReader } from './services/ideas/record-reader.ts';

/** Logs are JSON lines on stdout. Nothing logs request bodies; redaction is a second guard. */
export function serverLogger(config: Pick<ServerConfig, 'logLevel'>, bindings: Record<string, string> = {}): Logger {
  return pino({
    level: config.logLevel,
    base: { pid: process.pid, ...bindings },
    redact: {
      paths: ['*.authorization', '*.token', '*.apiKey', '*.api_key', '*.password', '*.signature', '*.payload'],
      censor: '[redacted]',
    },
  });
}

export async function openServices(
  config: ServerConfig,
  logger: Logger,
  o: { background: boolean; verifier?: Verifier; writes?: WriteActivity },
): Promise<{ database: Database; services: Services }> {
  const started = Date.now();
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    efSearch: config.efSearch,
    preparedStatements: config.preparedStatements,
    readUrl: config.databaseReadUrl,
    readMaxLagMs: config.readMaxLagMs,
  });
  logger.info(
    {
      driver: database.driver,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
      readReplica: database.replica?.status(),
      ms: Date.now() - started,
    },
    'database ready',
  );
  const services = createServices({
    database,
    verifier: o.verifier,
    // On PostgreSQL, where assignment reads the next batch while it writes one, the reading (the
    // catalogue's CPU) runs in a thread of its own. PGlite reads and writes in turn: there a thread adds only a hand-off.
    recordReader: o.background && config.readerThread && database.driver === 'postgres' ? threadReader() : undefined,
    writes: o.writes,
    embedder: embedderFromEnv(),
    logger,
    processMetrics: true,
    rateLimitWrites: config.rateLimitWrites,
    stalenessMs: config.stalenessMs,
    background: o.background,
    github: config.github,
    runner: { leaseMs: config.jobLeaseMs },
    snapshotDir: config.snapshotDir,
    snapshotIntervalMs: config.snapshotIntervalMs,
    savedTimeWindowS: config.savedTimeWindowS,
    vacuumIntervalMs: config.vacuumIntervalMs,
  });
  await services.start();
  return { database, services };
}
