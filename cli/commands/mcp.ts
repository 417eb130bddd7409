// `crossfork mcp`: an MCP server over stdio with check_idea, suggest, known_bad, leaderboard and
// publish_result, for Claude Code, Codex and any MCP client. Every tool names the idea `description`.
// Runs until stdin closes.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { resolve } from 'node:path';
import { z } from 'zod';
import { hardwareClass } from '../../server/protocol/hardware-class.ts';
import type { Context } from '../lib/context.ts';
import { CliError } from '../lib/errors.ts';
import { askingContext, callerKey, ideaText, type Asking } from '../lib/asking.ts';
import type { HardwareFlags } from '../lib/hardware.ts';
import type { HarnessFlags } from '../lib/harness.ts';
import { VERSION } from '../lib/version.ts';
import { renderCheck, renderLeaderboard } from '../lib/render.ts';
import { result } from '../lib/result.ts';
import { toCliError } from '../lib/api-errors.ts';
import { describeFork } from '../lib/fork.ts';
import { askSuggestions, renderSuggestions } from '../lib/suggestions.ts';

type ToolResult = { content: { type: 'text'; text: string }[]; structuredContent?: Record<string, unknown>; isError?: boolean };

const ok = (text: string, data: unknown): ToolResult => ({
  content: [{ type: 'text', text }],
  structuredContent: data as Record<string, unknown>,
});
async function guarded(fn: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await fn();
  } catch (err) {
    const e = toCliError(err);
    return { content: [{ type: 'text', text: e instanceof CliError || e instanceof Error ? e.message : String(e) }], isError: true };
  }
}

interface Opts extends HardwareFlags, HarnessFlags {
  repo: string;
}

/** What every tool asks and publishes with. */
interface Tools {
  ctx: Context;
  asking: Asking;
  opts: Opts;
  repo: string;
}

/** The idea, in every tool: `description` (as in the records and the API); check_idea's old `idea` still works. */
const DESCRIPTION = 'the change, in one line (e.g. increase MATRIX_LR from 0.04 to 0.05)';

export default async function mcp(ctx: Context, _args: unknown[], opts: Opts = { repo: '.' }) {
  const repo = resolve(opts.repo ?? '.');
  // The saved machine profile (or the flags) and the fork's harness, said once on stderr, never on stdout (MCP's channel).
  const asking = await askingContext(ctx, { ...opts, repo });
  const server = new McpServer({ name: 'crossfork', version: VERSION });
  const tools: Tools = { ctx, asking, opts, repo };
  registerCheck(server, tools);
  registerLookups(server, tools);
  registerPublish(server, tools);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((r) => (transport.onclose = r));
  await server.connect(transport);
  process.stdin.once('end', () => void server.close());
  await closed;
  return result({ stopped: true }, '');
}

function registerCheck(server: McpServer, { ctx, asking }: Tools) {
  server.registerTool(
    'check_idea',
    {
      description:
        'Before an experiment: was this idea tried, on hardware like mine, and how did it go? Returns a verdict (novel, promising, inconclusive, mixed, failed_nearby, known_bad, crashes_here, kept_elsewhere, failed_elsewhere; warning: true means do not spend the run), the reason with its counts, and the matching ideas with why each matched.',
      inputSchema: {
        description: z.string().min(1).optional().describe(`${DESCRIPTION} (required)`),
        idea: z.string().min(1).optional().describe('deprecated: the old name of description'),
        diff: z.string().optional().describe('unified diff of train.py'),
      },
    },
    ({ description, idea, diff }) =>
      guarded(async () => {
        const text = description ?? idea;
        if (!text) throw new CliError('description is required: the change, in one line');
        const r = await ctx.client.check({
          description: ideaText(ctx, text),
          ...(diff ? { diff } : {}),
          harness_id: asking.harness.id,
          hardware: asking.hardware,
          ...callerKey(ctx),
        });
        return ok(renderCheck(r), r);
      }),
  );
}

/** known_bad, suggest and leaderboard: what others found, for this machine and fork. */
function registerLookups(server: McpServer, { ctx, asking, repo }: Tools) {
  server.registerTool(
    'known_bad',
    {
      description: 'Ideas tried at least twice on this hardware class and never kept, as markdown.',
      inputSchema: { all_hardware: z.boolean().optional() },
    },
    ({ all_hardware }) =>
      guarded(async () => {
        const query = { harness: asking.harness.id, hardware_class: all_hardware ? undefined : hardwareClass(asking.hardware) };
        const md = await ctx.client.knownBadMarkdown(query);
        return ok(md, { markdown: md });
      }),
  );
  server.registerTool(
    'suggest',
    {
      description:
        'What to try next: ideas kept on hardware like mine (or elsewhere, never tried on my hardware family) that this fork has not tried, ranked, each with a one-line reason citing its keeps and tries per hardware family and its effect; plus the known-bad ideas to avoid here.',
      inputSchema: { limit: z.number().int().min(1).max(50).optional().describe('at most this many suggestions (default 10)') },
    },
    ({ limit }) =>
      guarded(async () => {
        const forkId = (await describeFork(repo).catch(() => null))?.id ?? null;
        const r = await askSuggestions(ctx.client, { harnessId: asking.harness.id, hardware: asking.hardware, forkId, limit: limit ?? 10 });
        return ok(renderSuggestions(r), r);
      }),
  );
  server.registerTool(
    'leaderboard',
    {
      description: 'Per hardware class: the best confirmed val_bpb, a better claim awaiting replication, flagged results and why.',
      inputSchema: {},
    },
    () =>
      guarded(async () => {
        const lb = await ctx.client.leaderboard({});
        return ok(renderLeaderboard(lb), lb);
      }),
  );
}

function registerPublish(server: McpServer, { ctx, opts, repo }: Tools) {
  server.registerTool(
    'publish_result',
    {
      description: 'After an experiment: publish it (queued on disk when the server is unreachable).',
      inputSchema: {
        description: z.string().min(1).describe(`${DESCRIPTION}: the same words check_idea was asked with`),
        status: z.enum(['keep', 'discard', 'crash']),
        val_bpb: z.number().positive().optional(),
        run_log: z.string().optional().describe('path of run.log to read metrics from'),
      },
    },
    ({ description, status, val_bpb, run_log }) =>
      guarded(async () => {
        const { default: publish } = await import('./publish.ts');
        const res = await publish(ctx, [], {
          ...opts,
          repo,
          description,
          status,
          valBpb: val_bpb === undefined ? undefined : String(val_bpb),
          runLog: run_log,
        });
        return ok(res.text, res.data);
      }),
  );
}
