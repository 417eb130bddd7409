// The app starts whatever a process loads first: a tool that builds the services before the routes
// (the benchmarks, an embedding of the service in another program) must get the same app as
// `npm start`, which loads the routes first. Zod 4 gives schemas their methods per instance, so a
// protocol schema built before @hono/zod-openapi extends zod must not be registered as it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('creating the app', () => {
  it('works when the services are loaded before the routes (a fresh process under tsx)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfork-load-order-'));
    try {
      const script = join(dir, 'load.mts');
      writeFileSync(
        script,
        [
          `import { openDatabase } from ${JSON.stringify(join(ROOT, 'server/db/client.ts'))};`,
          `import { createServices } from ${JSON.stringify(join(ROOT, 'server/services/container.ts'))};`,
          `import { createApp } from ${JSON.stringify(join(ROOT, 'server/app.ts'))};`,
          `const database = await openDatabase({ dataDir: ${JSON.stringify(join(dir, 'data'))} });`,
          `const app = createApp({ services: createServices({ database }), config: { maxBodyBytes: 1 << 20, maxBatchBodyBytes: 1 << 20 } });`,
          `const res = await app.request('/openapi.json');`,
          `const doc = await res.json();`,
          `console.log(res.status, 'ExportLine' in doc.components.schemas);`,
          `await database.close();`,
        ].join('\n'),
      );
      const out = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), [script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(out.trim().split('\n').pop()).toBe('200 true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
