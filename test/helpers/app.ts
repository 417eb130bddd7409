// A crossfork app over a test database, called in-process through app.request(), with the
// idea-assignment queue drained on demand.
import { createApp } from '../../server/app.ts';
import type { Database } from '../../server/db/client.ts';
import { createServices, type ServiceOptions } from '../../server/services/container.ts';

export const TEST_LIMITS = { maxBodyBytes: 1024 * 1024, maxBatchBodyBytes: 8 * 1024 * 1024 };

export function testApp(database: Database, opts: Omit<ServiceOptions, 'database'> = {}) {
  const services = createServices({ database, ...opts });
  const app = createApp({ services, config: TEST_LIMITS });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  return {
    app,
    services,
    post,
    get: (path: string, headers: Record<string, string> = {}) => app.request(path, { headers }),
    count: () => services.repos.records.count(),
    /** Prepares the vector index (what start() does, without the background timer). */
    init: () => services.ideas.init(),
    /** Runs idea assignment until no job is due. */
    drain: () => services.assignments.drain(),
    /** Runs the background re-derivation to its end (what the rederive job does, batch after batch). */
    rederiveAll: async () => {
      for (let after: number | null = 0; after !== null;) after = await services.ideas.rederive(after);
    },
  };
}
