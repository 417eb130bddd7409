// `/metrics` in Prometheus text: per-route request counts and latency under route patterns,
// records ingested, and the job queue; access logs carry no payloads or secrets.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { createServices } from '../../../server/services/container.ts';
import { drivers } from '../../helpers/db.ts';
import { TEST_LIMITS } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

describe.each(drivers)('metrics and logs on $name', (driver) => {
  let database: Database;
  let services: ReturnType<typeof createServices>;
  let app: ReturnType<typeof createApp>;
  const lines: string[] = [];
  const alice = newSigner('alice');

  beforeAll(async () => {
    database = await driver.open();
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ level: 'info' }, sink);
    services = createServices({ database, logger });
    app = createApp({ services, config: TEST_LIMITS, logger });
  });
  afterAll(async () => {
    await services?.stop();
    await database?.close();
  });

  const metric = (text: string, name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('counts requests per route pattern, ingested records and waiting jobs', async () => {
    const secret = 'do-not-log-this-description-7f3a';
    const env = envelope(makePayload({ description: secret }), alice);
    const created = await app.request('/v1/records', {
      method: 'POST',
      body: JSON.stringify(env),
      headers: { 'content-type': 'application/json', authorization: 'Bearer hunter2' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as any;
    expect((await app.request(`/v1/records/${id}`)).status).toBe(200);
    expect((await app.request(`/v1/records/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await app.request('/nope')).status).toBe(404);

    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(metric(text, 'crossfork_http_requests_total{method="POST",route="/v1/records",status="201"}')).toBe(1);
    expect(metric(text, 'crossfork_http_requests_total{method="GET",route="/v1/records/:id",status="200"}')).toBe(1);
    expect(metric(text, 'crossfork_http_requests_total{method="GET",route="/v1/records/:id",status="404"}')).toBe(1);
    expect(metric(text, 'crossfork_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(text).not.toContain(id); // raw paths never become labels
    expect(metric(text, 'crossfork_http_request_duration_seconds_count{method="POST",route="/v1/records"}')).toBe(1);
    expect(metric(text, 'crossfork_records_ingested_total')).toBe(1);
    // The record's idea-assignment job is waiting (no runner was started).
    expect(metric(text, 'crossfork_job_queue_depth{kind="assign-idea"}')).toBe(1);
    expect(metric(text, 'crossfork_job_queue_lag_seconds{kind="assign-idea"}')).toBeGreaterThanOrEqual(0);

    await services.assignments.drain();
    const after = await (await app.request('/metrics')).text();
    expect(metric(after, 'crossfork_job_queue_depth{kind="assign-idea"}')).toBe(0);

    const log = lines.map((l) => JSON.parse(l));
    expect(log.some((l) => l.msg === 'request' && l.route === '/v1/records' && l.status === 201)).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain(env.signature.slice(40, 80));
  });
});
