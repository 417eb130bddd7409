// `crossfork mcp`: an MCP server over stdio with check_idea, known_bad, leaderboard and
// publish_result, for Claude Code, Codex and any MCP client. Runs until stdin closes.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { hardwareClass } from '../../server/protocol/hardware-class.ts';
import type { Context } from '../lib/context.ts';
import { CliError } from '../lib/errors.ts';
import { harnessId } from '../lib/harness.ts';
import { detectHardware } from '../lib/hardware.ts';
import { renderCheck, renderLeaderboard } from '../lib/render.ts';
import { result } from '../lib/result.ts';
import { toCliError } from '../lib/api-errors.ts';

type ToolResult = { content: { type: 'text'; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

const ok = (text: string, data: unknown): ToolResult => ({ content: [{ type: 'text', text }], structuredContent: data as Record<string, unknown> });
async function guarded(fn: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await fn();
  } catch (err) {
    const e = toCliError(err);
    return { content: [{ type: 'text', text: e instanceof CliError || e instanceof Error ? e.message : String(e) }], isError: true };
  }
}

export default async function mcp(ctx: Context) {
  const repo = process.cwd();
  const server = new McpServer({ name: 'crossfork', version: '0.1.0' });
  server.registerTool(
    'check_idea',
    {
      description: 'Before an experiment: was this idea tried, on hardware like mine, and how did it go? Returns a verdict (novel, promising, mixed, known_bad, crashes_here) with evidence.',
      inputSchema: { idea: z.string().min(1).describe('the change, in one line'), diff: z.string().optional().describe('unified diff of train.py') },
    },
    ({ idea, diff }) =>
      guarded(async () => {
        const harness = harnessId(repo);
        const r = await ctx.client.check({ description: idea, ...(diff ? { diff } : {}), ...(harness ? { harness_id: harness } : {}), hardware: await detectHardware() });
        return ok(renderCheck(r), r);
      }),
  );
  server.registerTool(
    'known_bad',
    { description: 'Ideas tried at least twice on this hardware class and never kept, as markdown.', inputSchema: { all_hardware: z.boolean().optional() } },
    ({ all_hardware }) =>
      guarded(async () => {
        const query = { harness: harnessId(repo), hardware_class: all_hardware ? undefined : hardwareClass(await detectHardware()) };
        const md = await ctx.client.knownBadMarkdown(query);
        return ok(md, { markdown: md });
      }),
  );
  server.registerTool('leaderboard', { description: 'Best val_bpb per hardware class.', inputSchema: {} }, () =>
    guarded(async () => {
      const lb = await ctx.client.leaderboard({});
      return ok(renderLeaderboard(lb), lb);
    }),
  );
  server.registerTool(
    'publish_result',
    {
      description: 'After an experiment: publish it (queued on disk when the server is unreachable).',
      inputSchema: {
        description: z.string().min(1),
        status: z.enum(['keep', 'discard', 'crash']),
        val_bpb: z.number().positive().optional(),
        run_log: z.string().optional().describe('path of run.log to read metrics from'),
      },
    },
    ({ description, status, val_bpb, run_log }) =>
      guarded(async () => {
        const { default: publish } = await import('./publish.ts');
        const res = await publish(ctx, [], { repo, description, status, valBpb: val_bpb === undefined ? undefined : String(val_bpb), runLog: run_log });
        return ok(res.text, res.data);
      }),
  );
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((r) => (transport.onclose = r));
  await server.connect(transport);
  process.stdin.once('end', () => void server.close());
  await closed;
  return result({ stopped: true }, '');
}
