// Prometheus metrics for one server process: requests and latency per route, records ingested,
// and the job queue's depth and lag (read from the database when scraped).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface QueueStats {
  stats(kind: string): Promise<{ depth: number; lagSeconds: number }>;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry per app instance (tests build many apps in one process). */
export function createMetrics(
  opts: {
    jobs?: QueueStats;
    jobKinds?: readonly string[];
    processMetrics?: boolean;
    replica?: { status(): { inUse: boolean; lagMs: number | null } } | null;
  } = {},
) {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'crossfork_' });
  const requests = new Counter({
    name: 'crossfork_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'crossfork_http_request_duration_seconds',
    help: 'HTTP request latency by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const ingested = new Counter({
    name: 'crossfork_records_ingested_total',
    help: 'Records stored (new records only; duplicates and rejections are not counted).',
    registers: [registry],
  });
  const jobs = opts.jobs;
  const kinds = opts.jobKinds ?? [];
  const readQueues = async () => new Map(await Promise.all(kinds.map(async (k) => [k, await jobs!.stats(k)] as const)));
  new Gauge({
    name: 'crossfork_job_queue_depth',
    help: 'Jobs waiting or being retried, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      if (!jobs) return;
      for (const [kind, s] of await readQueues()) this.set({ kind }, s.depth);
    },
  });
  new Gauge({
    name: 'crossfork_job_queue_lag_seconds',
    help: 'Age of the oldest waiting job, by kind (0 when the queue is empty).',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      if (!jobs) return;
      for (const [kind, s] of await readQueues()) this.set({ kind }, s.lagSeconds);
    },
  });
  const replica = opts.replica;
  if (replica) {
    new Gauge({
      name: 'crossfork_read_replica_lag_seconds',
      help: 'How far the read replica may trail the primary (from WAL positions; +Inf when unknown).',
      registers: [registry],
      collect() {
        const lag = replica.status().lagMs;
        this.set(lag === null ? Number.POSITIVE_INFINITY : lag / 1000);
      },
    });
    new Gauge({
      name: 'crossfork_read_replica_in_use',
      help: '1 while read-only queries go to the replica, 0 while they go to the primary (lagging or unreachable replica).',
      registers: [registry],
      collect() {
        this.set(replica.status().inUse ? 1 : 0);
      },
    });
  }
  return {
    registry,
    observe(method: string, route: string, status: number, seconds: number) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    recordsIngested: (n: number) => ingested.inc(n),
  };
}
