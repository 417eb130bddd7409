// The background work (idea assignment, re-derivation, GitHub, snapshots) on its own database
// connections, off the API's event loop: a worker thread of `npm start` on PostgreSQL, or the
// whole of a `CROSSFORK_ROLE=worker` process. Stops cleanly when its parent says `stop`.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.ts';
import { loadConfig } from './config.ts';
import { openServices, serverLogger } from './boot.ts';
import { WriteActivity } from './jobs/write-activity.ts';

/** The staleness bound of the read state that background work consults (σ for evidence). */
const BACKGROUND_STALE_MS = 10_000;

/** `writes`: the API thread's writes in flight, when this runs in a thread beside it. */
export async function runBackground(config: ServerConfig, logger: Logger, writes?: WriteActivity) {
  // Background work reads the noise model only for σ, which moves slowly: a longer bound saves recomputing it.
  const { database, services } = await openServices({ ...config, stalenessMs: Math.max(config.stalenessMs, BACKGROUND_STALE_MS) }, logger, {
    background: true,
    writes,
  });
  logger.info(
    { embedder: services.embedder.model, github: config.github.token ? config.github.upstream : 'off (no GITHUB_TOKEN)' },
    'background work running',
  );
  return {
    services,
    async stop() {
      await services.stop();
      await database.close();
    },
  };
}

// As a worker thread: run until the parent says stop, then tell it we are done.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const config = loadConfig();
  const logger = serverLogger(config, { role: 'worker-thread' });
  const shared = (workerData as { writes?: SharedArrayBuffer } | null)?.writes;
  runBackground(config, logger, shared ? new WriteActivity(shared) : undefined).then(
    (bg) => {
      port.on('message', (m) => {
        if (m === 'stop')
          bg.stop().then(
            () => port.postMessage('stopped'),
            (err) => {
              logger.error({ err: String(err) }, 'background work did not stop cleanly');
              port.postMessage('stopped');
            },
          );
      });
      port.postMessage('ready');
    },
    (err) => {
      logger.error({ err: String(err) }, 'background work could not start');
      process.exit(1);
    },
  );
}
