// The other commands end to end against a real server: keys from ssh-keygen and in-process both
// verify, publish from a run.log, check / known-bad / leaderboard / claim, the MCP server, bad input.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/servers.ts';
import { BIN, crossfork, newHome } from '../helpers/cli.ts';
import { makeFork, NIGHT } from '../helpers/fork-repo.ts';

const HW = ['--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', '24564', '--accelerator', 'cuda'];
const RUN_LOG =
  'step 953\n---\nval_bpb:          0.987600\ntraining_seconds: 300.1\ntotal_seconds:    325.9\npeak_vram_mb:     45060.2\nmfu_percent:      39.80\ntotal_tokens_M:   499.6\nnum_steps:        953\nnum_params_M:     50.3\ndepth:            8\n';

describe('crossfork commands against a real server', () => {
  const server = useServer('crossfork-cli-cmd-');
  const get = async (path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<any>;

  it.each(['ed25519', 'rsa', 'ecdsa'] as const)(
    'an existing %s key signs through ssh-keygen -Y sign and the server verifies it',
    async (type) => {
      const keyDir = mkdtempSync(join(tmpdir(), 'crossfork-key-'));
      const key = join(keyDir, `id_${type}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '3072'] : []), '-N', '', '-C', 'me@test', '-f', key]);
      const home = newHome();
      const init = await crossfork(['init', '--key', key, '--json'], { home, server: server.url });
      expect(init.code, init.stderr).toBe(0);
      expect(init.json.key).toMatchObject({ signer: 'ssh-keygen', path: key });
      const fork = makeFork(NIGHT.slice(0, 2));
      const imp = await crossfork(['import', '--repo', fork.dir, '--json', ...HW], { home, server: server.url });
      expect(imp.code, imp.stderr).toBe(0);
      expect(imp.json.published).toEqual({ created: 2, duplicate: 0 });
      const page = await get(`/v1/records?key=${encodeURIComponent(init.json.key.fingerprint)}`);
      expect(page.records).toHaveLength(2);
      expect(page.records[0].public_key).toBe(execFileSync('cat', [`${key}.pub`], { encoding: 'utf8' }).trim());
    },
  );

  it('init --yes makes an OpenSSH ed25519 key with mode 0600 that ssh-keygen reads, and reuses it', async () => {
    const home = newHome();
    const a = await crossfork(['init', '--yes', '--json'], { home, server: server.url });
    expect(a.json).toMatchObject({ created: true, key: { signer: 'inprocess' } });
    expect(statSync(a.json.key.path).mode & 0o777).toBe(0o600);
    expect(execFileSync('ssh-keygen', ['-y', '-f', a.json.key.path], { encoding: 'utf8' }).split(' ').slice(0, 2)).toEqual(
      a.json.key.public_key.split(' ').slice(0, 2),
    );
    const b = await crossfork(['init', '--yes', '--json'], { home, server: server.url });
    expect(b.json).toMatchObject({ created: false, key: { public_key: a.json.key.public_key } });
  });

  it('publish reads a run.log, takes the parent from results.tsv, and a later import does not publish the row again', async () => {
    const fork = makeFork(NIGHT.slice(0, 2));
    const home = newHome();
    await crossfork(['init', '--yes'], { home, server: server.url });
    await crossfork(['import', '--repo', fork.dir, ...HW], { home, server: server.url });
    // The agent's next experiment: commit, train, log the row, publish.
    writeFileSync(join(fork.dir, 'train.py'), '# train.py\nDEPTH = 8\nMATRIX_LR = 0.055\n\ndef main():\n    pass\n');
    execFileSync('git', ['-C', fork.dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'MATRIX_LR 0.05 -> 0.055']);
    const head = execFileSync('git', ['-C', fork.dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    writeFileSync(join(fork.dir, 'run.log'), RUN_LOG);
    execFileSync('sh', ['-c', `printf '%s\\t0.987600\\t44.0\\tkeep\\tMATRIX_LR 0.05 -> 0.055\\n' ${head.slice(0, 7)} >> results.tsv`], {
      cwd: fork.dir,
    });
    const pub = await crossfork(
      [
        'publish',
        '--repo',
        fork.dir,
        '--run-log',
        join(fork.dir, 'run.log'),
        '--status',
        'keep',
        '-d',
        'MATRIX_LR 0.05 -> 0.055',
        '--agent-tool',
        'codex',
        '--json',
        ...HW,
      ],
      { home, server: server.url },
    );
    expect(pub.code, pub.stderr).toBe(0);
    expect(pub.json).toMatchObject({ delivered: true, queued: 0 });
    const rec = await get(`/v1/records/${pub.json.id}`);
    expect(rec.payload).toMatchObject({
      status: 'keep',
      commit: head,
      metrics: {
        val_bpb: 0.9876,
        peak_vram_mb: 45060.2,
        total_seconds: 325.9,
        num_steps: 953,
        num_params_m: 50.3,
        total_tokens_m: 499.6,
        mfu_percent: 39.8,
      },
      parent: { val_bpb: 0.9932 },
      agent: { tool: 'codex', model: null },
    });
    expect(rec.payload.diff).toContain('+MATRIX_LR = 0.055');
    const imp = await crossfork(['import', '--repo', fork.dir, '--json', ...HW], { home, server: server.url });
    expect(imp.json).toMatchObject({ already_published: 3, published: { created: 0, duplicate: 0 } });
  });

  it('check, known-bad, leaderboard and claim answer from the server', async () => {
    const home = newHome();
    await crossfork(['init', '--yes'], { home, server: server.url });
    const fork = makeFork(NIGHT);
    await crossfork(['import', '--repo', fork.dir, ...HW], { home, server: server.url });
    const check = await crossfork(['check', 'increase MATRIX_LR to 0.08', '--repo', fork.dir, '--json', ...HW], {
      home,
      server: server.url,
    });
    expect(check.code, check.stderr).toBe(0);
    expect(check.json.hardware_class).toBe('RTX 4090 24GB');
    expect(['novel', 'mixed', 'known_bad', 'promising', 'crashes_here']).toContain(check.json.verdict);
    const text = await crossfork(['check', 'increase MATRIX_LR to 0.08', '--repo', fork.dir, ...HW], { home, server: server.url });
    expect(text.stdout).toMatch(/^verdict: /);
    const kb = await crossfork(['known-bad', '--repo', fork.dir, ...HW], { home, server: server.url });
    expect(kb.code, kb.stderr).toBe(0);
    const kbJson = await crossfork(['known-bad', '--format', 'json', '--json', '--repo', fork.dir, ...HW], { home, server: server.url });
    expect(kbJson.json).toHaveProperty('ideas');
    const lb = await crossfork(['leaderboard', '--json', '--harness-id', fork.harnessId], { home, server: server.url });
    expect(lb.json.classes.find((c: any) => c.hardware_class === 'RTX 4090 24GB')).toBeTruthy();
    const claim = await crossfork(['claim', 'try SwiGLU', '--ttl', '600', '--repo', fork.dir, '--json', ...HW], {
      home,
      server: server.url,
    });
    expect(claim.code, claim.stderr).toBe(0);
    expect(claim.json).toMatchObject({ hardware_class: 'RTX 4090 24GB' });
  });

  it('mcp: an MCP client over stdio lists the tools and calls check_idea; every tool names the idea `description`', async () => {
    const home = newHome();
    await crossfork(['init', '--yes'], { home, server: server.url });
    const fork = makeFork(NIGHT.slice(0, 1));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: fork.dir,
      env: { ...(process.env as Record<string, string>), CROSSFORK_HOME: home, CROSSFORK_SERVER: server.url },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const listed = (await client.listTools()).tools;
      const tools = listed.map((t) => t.name).sort();
      expect(tools).toEqual(['check_idea', 'known_bad', 'leaderboard', 'publish_result', 'suggest']);
      const schema = (name: string) => listed.find((t) => t.name === name)!.inputSchema as any;
      expect(Object.keys(schema('check_idea').properties)).toContain('description');
      expect(schema('check_idea').properties.idea.description).toMatch(/^deprecated/);
      expect(schema('publish_result').required).toContain('description');
      const res: any = await client.callTool({ name: 'check_idea', arguments: { description: 'increase MATRIX_LR from 0.04 to 0.05' } });
      expect(res.isError).toBeFalsy();
      expect(res.content[0].text).toMatch(/^verdict: /);
      expect(res.structuredContent.verdict).toBeTypeOf('string');
      // The old name still works, and gets the same answer.
      const old: any = await client.callTool({ name: 'check_idea', arguments: { idea: 'increase MATRIX_LR from 0.04 to 0.05' } });
      expect(old.isError).toBeFalsy();
      expect(old.structuredContent.verdict).toBe(res.structuredContent.verdict);
      const none: any = await client.callTool({ name: 'check_idea', arguments: {} });
      expect(none.isError).toBe(true);
      expect(none.content[0].text).toBe('description is required: the change, in one line');
      const bad: any = await client.callTool({ name: 'publish_result', arguments: { description: 'x', status: 'keep' } });
      expect(bad.isError).toBe(true);
      expect(bad.content[0].text).toMatch(/needs a val_bpb/);
    } finally {
      await client.close();
    }
  });

  it('bad input: usage errors exit 2, expected failures exit 1 with one line, --json still prints one document', async () => {
    const home = newHome();
    const unknown = await crossfork(['import', '--frobnicate'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe("crossfork: unknown option '--frobnicate'");
    expect((await crossfork(['check'], { home })).code).toBe(2);
    expect((await crossfork(['nonsense'], { home })).code).toBe(2);
    expect((await crossfork(['publish', '--status', 'maybe', '-d', 'x'], { home })).code).toBe(2);
    expect((await crossfork(['init'], { home })).code).toBe(2);
    const noKey = await crossfork(['publish', '-d', 'x', '--status', 'keep', '--val-bpb', '1.0', '--json'], { home });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr.trim()).toBe('crossfork: no signing key: run `crossfork init` first');
    expect(noKey.json).toEqual({ error: 'no signing key: run `crossfork init` first', exit_code: 1 });
    const missing = await crossfork(['import', '--repo', '/nonexistent/fork'], { home });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const down = await crossfork(['leaderboard'], { home });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the crossfork server at http:\/\/127\.0\.0\.1:9/);
    const help = await crossfork(['import', '--help'], { home });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}\$ crossfork import/);
    expect(existsSync(join(home, 'outbox'))).toBe(false);
  });
});
