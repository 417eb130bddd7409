// Tells every server process on one database that something changed, so each drops what it
// cached: LISTEN / NOTIFY on PostgreSQL, a plain in-process fan-out on PGlite (one process).
// Subscribers in the publishing process hear it at once; the others a round trip later. With a
// read replica, each subscriber hears it again once the replica has replayed the change, so a
// cache refilled from the replica in between does not keep the old answer.
import { randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';

export interface ChangeFeed {
  /** Announces that `topic` changed: this process's subscribers now, the others' on NOTIFY. */
  publish(topic: string): void;
  /**
   * Calls `fn` whenever `topic` changes anywhere, and after the feed reconnects (whatever was
   * announced while it was away is unknown, so everything counts as changed). Returns an unsubscribe.
   */
  subscribe(topic: string, fn: () => void): () => void;
  close(): Promise<void>;
}

/** The channel every crossfork process listens on; payloads are `ORIGIN TOPIC LSN`. */
export const CHANGES_CHANNEL = 'crossfork_changes';

/** Records were stored, hidden, shown, assigned or unflagged: rankings, lists and ideas changed. */
export const TOPIC_RECORDS = 'records';
/** Jobs were queued (records to assign): whichever process runs background work starts a pass. */
export const TOPIC_JOBS = 'jobs';

class Subscribers {
  private readonly byTopic = new Map<string, Set<() => void>>();

  add(topic: string, fn: () => void): () => void {
    const set = this.byTopic.get(topic) ?? new Set();
    this.byTopic.set(topic, set);
    set.add(fn);
    return () => void set.delete(fn);
  }

  emit(topic: string): void {
    for (const fn of this.byTopic.get(topic) ?? []) fn();
  }

  emitAll(): void {
    for (const topic of this.byTopic.keys()) this.emit(topic);
  }
}

/** One process owns the database (PGlite): publishing only reaches this process's subscribers. */
export function localChangeFeed(): ChangeFeed {
  const subs = new Subscribers();
  return { publish: (topic) => subs.emit(topic), subscribe: (topic, fn) => subs.add(topic, fn), close: async () => {} };
}

export interface PostgresFeedOptions {
  /** Opens the listening connection (one, outside the pool); called again to reconnect. */
  connect(handlers: { onnotify(channel: string, payload: string): void; onclose(): void }): Sql;
  /** The pool that sends NOTIFY. */
  pool: Sql;
  /** Wait between attempts to listen again after the connection dropped. */
  retryMs?: number;
  /** Runs `fn` once the read replica has replayed WAL position `lsn` (absent without a replica). */
  afterReplay?: (lsn: string, fn: () => void) => void;
}

/**
 * LISTEN on a dedicated connection; NOTIFY through the pool, at most one in flight per topic
 * (a burst of writes sends two notifications, not one per write). When the listening connection
 * drops it listens again every `retryMs` and, once back, tells every subscriber.
 */
export async function postgresChangeFeed(o: PostgresFeedOptions): Promise<ChangeFeed> {
  const origin = randomBytes(8).toString('hex');
  const subs = new Subscribers();
  const retryMs = o.retryMs ?? 1000;
  let closed = false;
  let listening = false;
  let retry: NodeJS.Timeout | null = null;

  const listener = o.connect({
    onnotify(channel, payload) {
      if (channel !== CHANGES_CHANNEL) return;
      const [from, topic, lsn] = payload.split(' ');
      if (!topic || from === origin) return; // ours was delivered at once
      subs.emit(topic);
      if (lsn) o.afterReplay?.(lsn, () => subs.emit(topic));
    },
    onclose() {
      if (closed || !listening) return;
      listening = false;
      scheduleRelisten();
    },
  });
  const listen = async () => {
    await listener.unsafe(`LISTEN ${CHANGES_CHANNEL}`);
    listening = true;
  };
  function scheduleRelisten() {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      listen().then(
        () => subs.emitAll(), // notifications may have been missed meanwhile
        () => scheduleRelisten(),
      );
    }, retryMs);
    retry.unref();
  }
  await listen();

  const inFlight = new Map<string, boolean>(); // topic → another publish wanted
  const send = (topic: string) => {
    inFlight.set(topic, false);
    o.pool`SELECT pg_current_wal_lsn()::text AS lsn, pg_notify(${CHANGES_CHANNEL}, ${`${origin} ${topic} `} || pg_current_wal_lsn()::text)`
      .then(([row]) => o.afterReplay?.(row.lsn as string, () => subs.emit(topic)))
      .catch(() => {}) // the database is away: other processes' caches expire by their TTL
      .finally(() => {
        const again = inFlight.get(topic);
        inFlight.delete(topic);
        if (again && !closed) send(topic);
      });
  };

  return {
    publish(topic) {
      subs.emit(topic);
      if (closed) return;
      if (inFlight.has(topic)) inFlight.set(topic, true);
      else send(topic);
    },
    subscribe: (topic, fn) => subs.add(topic, fn),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await listener.end({ timeout: 5 });
    },
  };
}
