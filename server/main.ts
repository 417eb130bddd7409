// Entry point of `npm start`. CROSSFORK_ROLE picks what this process runs: `all` (default) the
// API and the background work (on PostgreSQL in a worker thread with its own connections, so no
// request waits on it; on the embedded PGlite on this thread), `api` the API alone, `worker` the
// background work alone (with /healthz and /metrics).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Worker } from 'node:worker_threads';
import { loadConfig, type ServerConfig } from './config.ts';
import { createApp } from './app.ts';
import { workerVerifier } from './verify/verifier.ts';
import { openServices, serverLogger } from './boot.ts';
import { runBackground } from './background-worker.ts';
import { tsWorker } from './threads/ts-worker.ts';
import { WriteActivity } from './jobs/write-activity.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { metricsRoutes } from './routes/metrics.routes.ts';
import { VERSION } from './version.ts';

const config = loadConfig();
const logger = serverLogger(config, { role: config.role });
if (config.role !== 'all' && !config.databaseUrl) {
  logger.fatal(
    { role: config.role },
    'CROSSFORK_ROLE=api or worker needs DATABASE_URL (PostgreSQL): the embedded database belongs to one process',
  );
  process.exit(1);
}

const stops: (() => Promise<unknown>)[] = [];
let fetch: (req: Request) => Response | Promise<Response>;
if (config.role === 'worker') {
  const bg = await runBackground(config, logger);
  stops.push(() => bg.stop());
  fetch = new Hono().route('/', healthRoutes(bg.services.database, VERSION)).route('/', metricsRoutes(bg.services.metrics)).fetch;
} else {
  const verifier = workerVerifier(config.verifyThreads);
  // On PostgreSQL with role `all`, background work runs in a worker thread: requests never wait on it.
  const backgroundThread = config.role === 'all' && config.databaseUrl;
  // Writes in flight, seen by the background thread too (it steps aside for them).
  const writes = new WriteActivity();
  const { database, services } = await openServices(config, logger, {
    background: config.role === 'all' && !backgroundThread,
    verifier,
    writes,
  });
  stops.push(
    () => services.stop(),
    () => verifier.close(),
    () => database.close(),
  );
  if (backgroundThread) stops.unshift(startBackgroundThread(config, writes));
  fetch = createApp({ services, config, logger }).fetch;
}

const server = serve({ fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info({ port: info.port, url: `http://127.0.0.1:${info.port}`, role: config.role }, 'crossfork server listening');
});
// Keep idle connections longer than clients and load balancers do (Node's 5 s default makes a
// client that reuses a connection just as the server closes it see ECONNRESET).
Object.assign(server, { keepAliveTimeout: 65_000, headersTimeout: 66_000 });

/** Runs the background work in a worker thread, restarted if it dies; returns how to stop it. */
function startBackgroundThread(cfg: ServerConfig, writes: WriteActivity): () => Promise<void> {
  let worker: Worker;
  let stopping = false;
  const spawn = () => {
    worker = tsWorker(new URL('./background-worker.ts', import.meta.url), { workerData: { writes: writes.buffer } });
    worker.on('error', (err) => logger.error({ err: String(err) }, 'background worker thread failed'));
    worker.on('exit', (code) => {
      if (stopping) return;
      logger.error({ code }, 'background worker thread exited; restarting it in 5 s');
      setTimeout(spawn, 5000).unref();
    });
  };
  spawn();
  logger.info({ database: 'postgres', jobLeaseS: cfg.jobLeaseMs / 1000 }, 'background work in a worker thread');
  return async () => {
    stopping = true;
    const done = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.on('message', (m) => m === 'stopped' && void worker.terminate());
    });
    worker.postMessage('stop');
    // A thread that does not stop in time is ended (its leased jobs go to another worker after the lease).
    await Promise.race([done, new Promise((r) => setTimeout(r, 10_000).unref())]);
    await worker.terminate();
  };
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  server.close();
  for (const stop of stops) await stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
