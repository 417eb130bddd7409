// `crossfork github link` and `init --github` against the real server, which asks a stand-in
// GitHub whether the user lists the key: linked only when it does; records then show the login.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { crossfork, newHome } from '../helpers/cli.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';

const HW = ['--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', '24564', '--accelerator', 'cuda'];
const keyBody = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ');

describe('crossfork github link', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossfork-gh-'));
  let server: ServerProcess;
  let gh: FakeGithub;

  beforeAll(async () => {
    gh = await startFakeGithub();
    server = await startServer(
      {
        CROSSFORK_DATA_DIR: join(dataDir, 'data'),
        DATABASE_URL: '',
        GITHUB_TOKEN: gh.token,
        GITHUB_API_URL: gh.url,
        CROSSFORK_UPSTREAM: 'karpathy/autoresearch',
      },
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await gh?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('links only a key GitHub lists for the login, and records then show the login', async () => {
    const home = newHome();
    const init = await crossfork(['init', '--yes', '--json'], { home, server: server.url });
    expect(init.code, init.stderr).toBe(0);
    const pub = readFileSync(`${init.json.key.path}.pub`, 'utf8');

    gh.users.set('octocat', ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOtherKeyOtherKeyOtherKey']);
    const refused = await crossfork(['github', 'link', 'octocat', '--json'], { home, server: server.url });
    expect(refused.code).toBe(1);
    expect(refused.json.error).toMatch(/not among the public keys GitHub lists for octocat/);
    expect((await crossfork(['github', 'link', 'not a login'], { home, server: server.url })).code).toBe(2);

    gh.users.set('octocat', [keyBody(pub)]);
    const linked = await crossfork(['github', 'link', 'octocat', '--json'], { home, server: server.url });
    expect(linked.code, linked.stderr).toBe(0);
    expect(linked.json).toMatchObject({ github_login: 'octocat', key_fingerprint: init.json.key.fingerprint });

    const log = join(mkdtempSync(join(tmpdir(), 'crossfork-gh-log-')), 'run.log');
    writeFileSync(log, '---\nval_bpb:          0.987600\npeak_vram_mb:     20480.0\n');
    const repo = mkdtempSync(join(tmpdir(), 'crossfork-gh-repo-'));
    writeFileSync(join(repo, 'prepare.py'), 'TIME_BUDGET = 300\n');
    const pubd = await crossfork(
      ['publish', '--repo', repo, '--run-log', log, '--status', 'keep', '-d', 'linked record', '--json', ...HW],
      { home, server: server.url },
    );
    expect(pubd.code, pubd.stderr).toBe(0);
    const page = (await (await fetch(`${server.url}/v1/records?key=${encodeURIComponent(init.json.key.fingerprint)}`)).json()) as any;
    expect(page.records[0].github_login).toBe('octocat');
  });

  it('init --github links in the same step', async () => {
    const home = newHome();
    // Make the key first to learn it, then run init --github with it listed.
    const first = await crossfork(['init', '--yes', '--json'], { home, server: server.url });
    gh.users.set('hubot', [keyBody(readFileSync(`${first.json.key.path}.pub`, 'utf8'))]);
    const init = await crossfork(['init', '--yes', '--github', 'hubot', '--json'], { home, server: server.url });
    expect(init.code, init.stderr).toBe(0);
    expect(init.json.github).toMatchObject({ github_login: 'hubot' });
  });
});
