// Vacuums the tables background work churns, every interval in which it wrote to them: a hub's
// steady ingest leaves the job queue and the ideas with many times their live rows in dead ones
// between autovacuum's visits, and every lease, idea look-up and search steps over them.
import type { Logger } from 'pino';

/** How often, by default (CROSSFORK_VACUUM_INTERVAL_S). */
export const DEFAULT_VACUUM_INTERVAL_S = 5;

export interface UpkeepOptions {
  vacuum(): Promise<void>;
  /** How often, at most; 0 never. */
  intervalMs: number;
  logger?: Logger;
}

export function scheduleUpkeep(o: UpkeepOptions) {
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const tick = () => {
    if (!dirty || running) return;
    dirty = false;
    running = o
      .vacuum()
      .catch((err) => o.logger?.warn({ err: String(err) }, 'vacuum of churned tables failed; next interval tries again'))
      .finally(() => (running = null));
  };
  return {
    /** Background work wrote to the churned tables: the next tick vacuums them. */
    touched() {
      dirty = true;
    },
    start() {
      if (o.intervalMs <= 0 || timer) return;
      timer = setInterval(tick, o.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
