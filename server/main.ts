// Entry point of `npm start`: opens the database (migrating it), then serves HTTP until a signal.
import { serve } from '@hono/node-server';
import pino from 'pino';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { createApp } from './app.ts';
import { workerVerifier } from './verify/verifier.ts';
import { createServices } from './services/container.ts';
import { embedderFromEnv } from './services/ideas/embedder-config.ts';

const config = loadConfig();
// Logs are JSON lines on stdout. Nothing logs request bodies; redaction is a second guard.
const logger = pino({
  level: config.logLevel,
  redact: {
    paths: ['*.authorization', '*.token', '*.apiKey', '*.api_key', '*.password', '*.signature', '*.payload'],
    censor: '[redacted]',
  },
});

const started = Date.now();
const database = await openDatabase({
  url: config.databaseUrl,
  dataDir: config.dataDir,
  efSearch: config.efSearch,
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

const verifier = workerVerifier(config.verifyThreads);
const embedder = embedderFromEnv();
const services = createServices({
  database,
  verifier,
  embedder,
  logger,
  processMetrics: true,
  rateLimitWrites: config.rateLimitWrites,
  leaderboardCacheMs: config.leaderboardCacheMs,
  github: config.github,
  runner: { leaseMs: config.jobLeaseMs },
  snapshotDir: config.snapshotDir,
  snapshotIntervalMs: config.snapshotIntervalMs,
  savedTimeWindowS: config.savedTimeWindowS,
});
await services.start();
logger.info(
  { embedder: embedder.model, github: config.github.token ? config.github.upstream : 'off (no GITHUB_TOKEN)' },
  'idea assignment running',
);
const app = createApp({ services, config, logger });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info({ port: info.port, url: `http://127.0.0.1:${info.port}` }, 'crossfork server listening');
});
// Keep idle connections longer than clients and load balancers do (Node's 5 s default makes a
// client that reuses a connection just as the server closes it see ECONNRESET).
Object.assign(server, { keepAliveTimeout: 65_000, headersTimeout: 66_000 });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  server.close();
  await services.stop();
  await verifier.close();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
