// A crossfork app over a test database, called in-process through app.request().
import { createApp } from '../../server/app.ts';
import type { Database } from '../../server/db/client.ts';
import type { Verifier } from '../../server/services/verifier.ts';
import { RecordRepository } from '../../server/repositories/record.repository.ts';

export const TEST_LIMITS = { maxBodyBytes: 1024 * 1024, maxBatchBodyBytes: 8 * 1024 * 1024 };

export function testApp(database: Database, opts: { verifier?: Verifier } = {}) {
  const app = createApp({ database, config: TEST_LIMITS, verifier: opts.verifier });
  const repo = new RecordRepository(database.db);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  return { app, post, get: (path: string) => app.request(path), count: () => repo.count() };
}
