// A fresh database for the findings benchmark with corpus forks published into it (each fork signs
// with its own key), and the idea every published corpus row landed in.
import { openDatabase, type Database } from '../../server/db/client.ts';
import { createServices, type Services } from '../../server/services/container.ts';
import type { Embedder } from '../../server/services/ideas/embedder.ts';
import { envelope, newSigner } from '../../test/helpers/records.ts';
import { benchDatabaseUrl } from '../databases.ts';
import type { CorpusFork } from './corpus.ts';

export interface Options {
  embedder: string;
  driver: string;
  orders: number;
}

/** A fresh database with the corpus forks in `forks` published (each fork signs with its own key). */
export async function world(o: Options, embedder: Embedder, name: string) {
  const database: Database =
    o.driver === 'postgres'
      ? await openDatabase({ url: await benchDatabaseUrl(name), maxConnections: 4 })
      : await openDatabase({ dataDir: 'memory://' });
  const services = createServices({ database, embedder, rateLimitWrites: 0 });
  await services.ideas.init();
  const refs = new Map<string, string>(); // record id → file:line
  const publish = async (fork: CorpusFork) => {
    const signer = newSigner(fork.file);
    const envs = fork.rows.map((r) => envelope(r.payload, signer));
    for (let i = 0; i < envs.length; i += 500) {
      const items = await services.records.submitBatch({ records: envs.slice(i, i + 500) });
      items.forEach((it, j) => {
        if (it.status === 'rejected') throw new Error(`${fork.rows[i + j].ref} rejected: ${JSON.stringify(it.error)}`);
        if (it.id) refs.set(it.id, fork.rows[i + j].ref);
      });
    }
    await services.assignments.drain();
  };
  return { database, services, refs, publish, close: () => database.close() };
}

export type World = Awaited<ReturnType<typeof world>>;

/** The idea of every published record, as file:line → idea id. */
export async function ideasOfRefs(services: Services, refs: Map<string, string>): Promise<Map<string, string>> {
  const rows = await services.repos.records.findByIds([...refs.keys()]);
  return new Map(rows.filter((r) => r.ideaId).map((r) => [refs.get(r.id)!, r.ideaId!]));
}
