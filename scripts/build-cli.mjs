#!/usr/bin/env node
// Builds the installable `crossfork` CLI package into cli/dist/: the CLI and the protocol it imports
// bundled to JavaScript by esbuild (each command a lazily loaded chunk, so `--help` loads little),
// with its npm dependencies inlined: the package has none, and carries nothing of the server or web.
// `npm run pack:cli` then makes crossfork-<version>.tgz (`npm install -g ./crossfork-<version>.tgz`).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'cli', 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { crossfork: 'cli/index.ts' },
  outdir: join(out, 'bin'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  define: { __CROSSFORK_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __crossforkRequire } from 'node:module'; const require = __crossforkRequire(import.meta.url);" },
});

const entry = join(out, 'bin', 'crossfork.js');
writeFileSync(entry, `#!/usr/bin/env node\n${readFileSync(entry, 'utf8')}`);
chmodSync(entry, 0o755);

// The published manifest: the root package's identity, the CLI's bin, no dependencies (all bundled).
const manifest = {
  name: 'crossfork',
  version: pkg.version,
  description:
    'The crossfork CLI: publish your autoresearch experiments as signed records and check what others found before you spend GPU time.',
  type: 'module',
  license: pkg.license,
  engines: pkg.engines,
  bin: { crossfork: 'bin/crossfork.js' },
  files: ['bin', 'README.md'],
  keywords: ['autoresearch', 'crossfork', 'mcp', 'experiments'],
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(join(root, 'cli', 'README.md'), join(out, 'README.md'));

const bytes = Object.keys(result.metafile.outputs).reduce((n, f) => n + statSync(join(root, f)).size, 0);
if (!process.argv.includes('--quiet')) {
  console.error(
    `[build-cli] ${Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).length} files, ${(bytes / 1024).toFixed(0)} KiB in ${out} (crossfork ${pkg.version})`,
  );
}
