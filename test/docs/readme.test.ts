// Keeps README.md and the docs true: every relative link resolves (file and heading anchor), the
// README stays short, each command it shows is one CI or the end-to-end tests run, and `npm start` serves.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from '../../cli/cli.ts';
import { freePort } from '../helpers/server-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const README = read('README.md');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'server/catalogue/README.md',
];
const pkg = JSON.parse(read('package.json')) as { version: string; scripts: Record<string, string> };

/** The text outside fenced code blocks and inline code spans, where links and headings live. */
const withoutFences = (md: string) => md.replace(/^```[\s\S]*?^```/gm, '');
const prose = (md: string) => withoutFences(md).replace(/`[^`\n]*`/g, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(md: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, text] of withoutFences(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = text
      .replace(/`([^`]*)`/g, '$1')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Relative link targets of a page: `[text](target)` and `![alt](target)`, not web addresses. */
function relativeLinks(md: string): string[] {
  return [...prose(md).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Where a link from `page` leads, or why it leads nowhere. */
function brokenLink(page: string, target: string): string | null {
  const [path, anchor] = target.split('#', 2);
  const file = path ? resolve(dirname(join(ROOT, page)), decodeURIComponent(path)) : join(ROOT, page);
  if (!file.startsWith(ROOT)) return `${target} leaves the repository`;
  if (!existsSync(file)) return `${target}: no file ${relative(ROOT, file)}`;
  if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) {
    return `${target}: ${relative(ROOT, file)} has no heading #${anchor}`;
  }
  return null;
}

/** The commands of the README's shell blocks: one per `&&` part, comments and redirections dropped, as words. */
function readmeCommands(md: string): string[][] {
  const blocks = [...md.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  return blocks
    .flatMap((b) => b.replace(/\\\n/g, ' ').split('\n'))
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean)
    .flatMap((line) => line.split(/\s*&&\s*/))
    .map(words)
    .map((w) => {
      const at = w.findIndex((x) => x === '>' || x === '>>');
      return at < 0 ? w : w.slice(0, at);
    });
}

function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const e2eSources = readdirSync(join(ROOT, 'test/e2e'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => read(`test/e2e/${f}`))
  .join('\n');

/** Why a README command is not known to work, or null when CI, an e2e test or this file runs it. */
function unverified(cmd: string[]): string | null {
  const [tool, ...args] = cmd;
  const line = cmd.join(' ');
  if (tool === 'cd') return args.length === 1 ? null : `${line}: cd takes one folder`;
  if (tool === 'npm' && (line === 'npm ci' || line === 'npm test')) {
    return read('.ci/run').includes(line) && (line === 'npm ci' || pkg.scripts.test) ? null : `${line}: .ci/run does not run it`;
  }
  if (line === 'npm start') return pkg.scripts.start ? null : 'package.json has no start script'; // run below
  if (tool === 'npm' && args[0] === 'run') {
    if (!pkg.scripts[args[1]]) return `${line}: package.json has no script ${args[1]}`;
    // `pack:cli` is what installCli() does: build cli/dist, npm pack it; e2e tests install the tarball.
    if (args[1] === 'pack:cli') {
      const installer = read('test/helpers/installed-cli.ts');
      return pkg.scripts['pack:cli'].includes('build-cli.mjs') && installer.includes('build-cli.mjs') && installer.includes("'pack'")
        ? null
        : `${line}: no test packs the CLI as the script does`;
    }
    return `${line}: no test or CI step known to run it (add it to test/docs/readme.test.ts)`;
  }
  if (tool === 'npm' && args[0] === 'install' && args[1] === '-g') {
    const expected = `./crossfork-${pkg.version}.tgz`;
    if (args[2] !== expected) return `${line}: npm run pack:cli makes ${expected}`;
    return read('test/helpers/installed-cli.ts').includes("'install', '-g'") ? null : `${line}: no test installs the tarball`;
  }
  if (tool === 'crossfork') return unverifiedCli(args);
  if ((tool === 'claude' || tool === 'codex') && args.slice(0, 4).join(' ') === 'mcp add crossfork --') {
    const inner = args.slice(4);
    if (inner[0] !== 'crossfork') return `${line}: the MCP server is not crossfork`;
    return unverifiedCli(inner.slice(1));
  }
  return `${line}: no test or CI step known to run it (add it to test/docs/readme.test.ts)`;
}

/** A `crossfork` command: parses with the real CLI's flags, and an e2e test runs that subcommand. */
function unverifiedCli(args: string[]): string | null {
  const line = `crossfork ${args.join(' ')}`;
  let chosen;
  try {
    chosen = parse(args, { out: () => {}, err: () => {} });
  } catch (err) {
    return `${line}: the CLI refuses it (${(err as Error).message})`;
  }
  if (!chosen) return `${line}: only prints help`;
  return e2eSources.includes(`'${args[0]}'`) ? null : `${line}: no test under test/e2e runs crossfork ${args[0]}`;
}

describe('README.md and docs/', () => {
  it('keeps the README under 200 lines', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(200);
  });

  it('resolves every relative link, heading anchors included', () => {
    const broken = PAGES.flatMap((page) =>
      relativeLinks(read(page))
        .map((t) => brokenLink(page, t))
        .filter((b): b is string => b !== null)
        .map((b) => `${page}: ${b}`),
    );
    expect(broken).toEqual([]);
  });

  it('links every docs page from the README, and shows the leaderboard picture', () => {
    const links = new Set(relativeLinks(README).map((t) => t.split('#')[0]));
    const pages = PAGES.filter((p) => p.startsWith('docs/'));
    expect(pages.filter((p) => !links.has(p))).toEqual([]);
    expect(links.has('docs/img/leaderboard.png')).toBe(true);
    const png = readFileSync(join(ROOT, 'docs/img/leaderboard.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('shows only commands that CI or the end-to-end tests run, with flags the CLI takes', () => {
    const commands = readmeCommands(README);
    expect(commands.map((c) => c.slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['npm ci', 'npm start', 'npm test', 'crossfork init', 'crossfork import', 'crossfork program', 'claude mcp']),
    );
    expect(commands.map(unverified).filter(Boolean)).toEqual([]);
  });

  it('catches what it is for: a missing page, a missing heading, an unknown flag, an unknown command', () => {
    expect(brokenLink('README.md', 'docs/nowhere.md')).toMatch(/no file docs\/nowhere\.md/);
    expect(brokenLink('README.md', 'docs/trust.md#no-such-heading')).toMatch(/has no heading #no-such-heading/);
    expect(brokenLink('docs/cli.md', '../README.md#quick-start-the-service')).toBeNull();
    expect(relativeLinks('see [a](https://x.org) and `[b](c.md)` and [d](e.md#f)')).toEqual(['e.md#f']);
    expect(anchorsOf('# A `code` title: (x)\n## Same\n## Same\n```\n# not a heading\n```')).toEqual(
      new Set(['a-code-title-x', 'same', 'same-1']),
    );
    expect(readmeCommands('```sh\nnpm ci && npm start   # comment\ncrossfork program >> program.md\n```')).toEqual([
      ['npm', 'ci'],
      ['npm', 'start'],
      ['crossfork', 'program'],
    ]);
    expect(unverified(['crossfork', 'init', '--no-such-flag'])).toMatch(/the CLI refuses it/);
    expect(unverified(['crossfork', 'frobnicate'])).toMatch(/the CLI refuses it/);
    expect(unverified(['npm', 'install', '-g', './crossfork-0.0.0-nope.tgz'])).toMatch(/pack:cli makes/);
    expect(unverified(['npm', 'run', 'no-such-script'])).toMatch(/no script/);
    expect(unverified(['curl', 'https://example.org'])).toMatch(/no test or CI step/);
  });

  it('serves the site and the API reference after `npm start`, as the README says, on a fresh data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crossfork-readme-start-'));
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true, // its own process group: npm, the shell and the server stop together
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        CROSSFORK_DATA_DIR: join(dataDir, 'data'),
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise((r) => child.once('exit', r));
    const url = `http://127.0.0.1:${port}`;
    try {
      const deadline = Date.now() + 150_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`npm start did not answer /healthz:\n${output}`);
        if (
          await fetch(`${url}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const site = await fetch(`${url}/`);
      expect(site.status).toBe(200);
      expect(site.headers.get('content-type')).toMatch(/text\/html/);
      expect(await site.text()).toMatch(/crossfork/i);
      expect((await fetch(`${url}/docs`)).status).toBe(200);
      expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
