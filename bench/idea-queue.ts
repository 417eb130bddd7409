// Waits for a bench server's idea-assignment queue to empty (read from /metrics).
/** Seconds until the assign-idea queue was empty, or null when it was not within `limitS`. */
export async function waitForIdeas(url: string, limitS = 120): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitS * 1000) {
    const m = (await (await fetch(`${url}/metrics`)).text()).match(/^crossfork_job_queue_depth\{kind="assign-idea"\} (\S+)/m);
    if (m && Number(m[1]) === 0) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}
