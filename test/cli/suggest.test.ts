// `crossfork suggest` and the MCP `suggest` tool against a real server process: another fork's
// keeps are suggested, the ideas this fork tried are left out (its fork id derived from the
// checkout, as import does), text and --json, bad input.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { useServer } from '../helpers/servers.ts';
import { BIN, crossfork, newHome } from '../helpers/cli.ts';
import { makeFork, NIGHT, type ForkRepo } from '../helpers/fork-repo.ts';

const HW = ['--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', '24564', '--accelerator', 'cuda'];

describe('crossfork suggest', () => {
  let mine: ForkRepo;
  let home: string;

  const server = useServer('crossfork-cli-suggest-', {
    seed: async (url) => {
      const other = makeFork(NIGHT);
      const otherHome = newHome();
      await crossfork(['init', '--yes', ...HW], { home: otherHome, server: url });
      expect((await crossfork(['import', '--repo', other.dir], { home: otherHome, server: url })).code).toBe(0);
      mine = makeFork(NIGHT.slice(0, 2));
      home = newHome();
      await crossfork(['init', '--yes', ...HW], { home, server: url });
      expect((await crossfork(['import', '--repo', mine.dir], { home, server: url })).code).toBe(0);
      // Ideas are assigned in the background: wait until all 7 records have one.
      for (let i = 0; i < 100; i++) {
        const page = (await (await fetch(`${url}/v1/records?limit=50`)).json()) as any;
        if (page.records.length === 7 && page.records.every((r: any) => r.idea_id)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    timeoutMs: 120_000,
  });

  it("--json: the other fork's keep is suggested, what this fork tried is left out", async () => {
    const r = await crossfork(['suggest', '--repo', mine.dir, '--json'], { home, server: server.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      harness_id: mine.harnessId,
      hardware_class: 'RTX 4090 24GB',
      hardware_family: 'NVIDIA consumer 20–24GB',
    });
    expect(r.json.tried_by_fork).toBeGreaterThanOrEqual(2);
    const descriptions = r.json.suggestions.map((s: any) => s.description);
    expect(descriptions).toContain('MATRIX_LR 0.05 -> 0.06');
    expect(descriptions).not.toContain('increase MATRIX_LR to 0.05');
    expect(descriptions).not.toContain('baseline');
    const s = r.json.suggestions.find((x: any) => x.description === 'MATRIX_LR 0.05 -> 0.06');
    expect(s).toMatchObject({ basis: 'kept_near' });
    expect(s.reason).toMatch(/^Kept 1 of 1 on RTX 4090 24GB/);
    // Another fork (another checkout) has tried nothing: the other fork's 0.05 keep is offered too.
    const fresh = makeFork(NIGHT.slice(0, 1));
    const all = await crossfork(['suggest', '--repo', fresh.dir, '--json', '--limit', '5'], { home, server: server.url });
    expect(all.json.tried_by_fork).toBe(0);
    expect(all.json.suggestions.map((x: any) => x.description)).toContain('increase MATRIX_LR to 0.05');
  });

  it('text: one numbered idea a line with its reason', async () => {
    const r = await crossfork(['suggest', '--repo', mine.dir], { home, server: server.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^what to try next on RTX 4090 24GB \(NVIDIA consumer 20–24GB\), leaving out the \d+ ideas this fork tried:/);
    expect(r.stdout).toMatch(/ 1\. "MATRIX_LR 0\.05 -> 0\.06" \[kept near, median Δ -0\.0031\] idea /);
    expect(r.stdout).toMatch(/\n {4}Kept 1 of 1 on RTX 4090 24GB; median Δ -0\.0031 val_bpb over 1/);
  });

  it('bad input: usage errors exit 2; an unreachable server exits 1 with one line', async () => {
    for (const limit of ['0', '51', 'x']) {
      const r = await crossfork(['suggest', '--repo', mine.dir, '--limit', limit], { home, server: server.url });
      expect(r.code, limit).toBe(2);
      expect(r.stderr).toMatch(/--limit must be an integer from 1 to 50/);
    }
    const down = await crossfork(['suggest', '--repo', mine.dir, '--json'], { home, server: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.json.error).toMatch(/cannot reach/);
  });

  it('the MCP suggest tool answers with the machine profile and this fork', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      cwd: mine.dir,
      env: { ...(process.env as Record<string, string>), CROSSFORK_HOME: home, CROSSFORK_SERVER: server.url },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const res: any = await client.callTool({ name: 'suggest', arguments: { limit: 3 } });
      expect(res.isError).toBeFalsy();
      expect(res.content[0].text).toMatch(/^what to try next on RTX 4090 24GB/);
      expect(res.structuredContent.suggestions.length).toBeLessThanOrEqual(3);
      expect(res.structuredContent.suggestions.map((s: any) => s.description)).not.toContain('increase MATRIX_LR to 0.05');
      const bad: any = await client.callTool({ name: 'suggest', arguments: { limit: 0 } });
      expect(bad.isError).toBe(true);
    } finally {
      await client.close();
    }
  });
});
