// `npm run bench -- <name> [options]`: runs one benchmark and prints its figures.
const BENCHES: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  ingest: () => import('./ingest.ts'),
  check: () => import('./check.ts'),
  'ideas-quality': () => import('./ideas-quality.ts'),
  web: () => import('./web.ts'),
  fuzz: () => import('./fuzz.ts'),
  load: () => import('./load.ts'),
  loop: () => import('./loop.ts'),
  import: () => import('./import.ts'),
  cli: () => import('./cli.ts'),
  findings: () => import('./findings/index.ts'),
  freshness: () => import('./freshness.ts'),
  catalogue: () => import('./catalogue.ts'),
  exclusion: () => import('./exclusion.ts'),
  trust: () => import('./trust.ts'),
  suggest: () => import('./suggest.ts'),
  export: () => import('./export.ts'),
  purity: () => import('./purity.ts'),
  'self-consistency': () => import('./self-consistency.ts'),
};

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in BENCHES)) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]`);
  process.exit(2);
}
await (await BENCHES[name]()).run(args);
