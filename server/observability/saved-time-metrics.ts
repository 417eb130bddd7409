// Prometheus gauges of the GPU time warnings saved, per harness key (read when scraped): warned
// checks, avoided runs and their seconds, runs made anyway and how many failed, observed precision.
import { Gauge, type Registry } from 'prom-client';
import type { GpuTimeService } from '../services/gpu-time.service.ts';

export function registerSavedTimeMetrics(registry: Registry, gpuTime: Pick<GpuTimeService, 'savedTime'>): void {
  const read = () => gpuTime.savedTime();
  let pending: ReturnType<typeof read> | null = null;
  // One computation per scrape, shared by the gauges.
  const current = () => (pending ??= read().finally(() => setTimeout(() => (pending = null), 0)));
  const gauge = (name: string, help: string, value: (h: Awaited<ReturnType<typeof read>>['harnesses'][number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['harness'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const h of (await current()).harnesses) {
          const v = value(h);
          if (v !== null) this.set({ harness: h.harness_key ?? 'none' }, v);
        }
      },
    });
  gauge('crossfork_check_warnings', 'Checks that warned (crashes_here, known_bad, failed_nearby), by harness key.', (h) => h.warned);
  gauge('crossfork_warnings_skipped', 'Warned runs the caller did not make within the window: avoided runs.', (h) => h.skipped);
  gauge(
    'crossfork_saved_gpu_seconds',
    "Avoided runs × the harness's time budget (seconds of GPU time saved).",
    (h) => h.avoided_gpu_seconds,
  );
  gauge('crossfork_warnings_ran_anyway', 'Warned changes the same key published within the window.', (h) => h.ran_anyway);
  gauge('crossfork_warnings_ran_failed', 'Of those, the ones not kept (discard or crash).', (h) => h.ran_failed);
  gauge(
    'crossfork_warning_precision',
    'Observed precision of warnings: ran_failed / ran_anyway (absent before any ran).',
    (h) => h.precision,
  );
}
