// The import pipeline shared by `import` and `watch`: parse results.tsv, build records from git,
// skip rows already published, sign, queue in the outbox, remember them in the ledger.
import { resolve } from 'node:path';
import { parseResultsTsv, type ResultsProblem } from '../../server/protocol/results-tsv.ts';
import type { Context } from './context.ts';
import { usageError } from './errors.ts';
import { describeFork } from './fork.ts';
import { isGitRepo } from './git.ts';
import { detectHardware, type HardwareFlags } from './hardware.ts';
import { Ledger, rowKey } from './ledger.ts';
import { buildRecords, type BuiltRecord, type Skipped } from './records.ts';
import { signAll } from './publish.ts';
import { loadSigner } from './signer.ts';

export interface ImportOptions extends HardwareFlags {
  repo: string;
  agentModel?: string;
  agentTool?: string;
  harnessId?: string;
  harnessName?: string;
  timeBudget?: string;
  forkId?: string;
  forkUrl?: string;
}

export interface Prepared {
  repo: string;
  ledger: Ledger;
  fork: BuiltRecord['payload']['fork'];
  ctx: Parameters<typeof buildRecords>[1];
}

export async function prepareImport(ctx: Context, opts: ImportOptions): Promise<Prepared> {
  const repo = resolve(opts.repo);
  if (opts.harnessId !== undefined && !/^[0-9a-f]{64}$/.test(opts.harnessId)) throw usageError('--harness-id must be a lowercase hex SHA-256');
  const budget = opts.timeBudget === undefined ? undefined : Number(opts.timeBudget);
  if (budget !== undefined && !(budget > 0)) throw usageError('--time-budget must be a positive number of seconds');
  const gitAvailable = await isGitRepo(repo);
  const fork = await describeFork(repo, { forkId: opts.forkId, forkUrl: opts.forkUrl });
  const hardware = await detectHardware(opts);
  return {
    repo,
    fork,
    ledger: new Ledger(ctx.home, fork.id),
    ctx: {
      repo,
      gitAvailable,
      hardware,
      fork,
      agent: { model: opts.agentModel ?? null, tool: opts.agentTool ?? null },
      harness: { id: opts.harnessId, name: opts.harnessName ?? 'autoresearch', timeBudgetS: budget },
      now: () => new Date().toISOString(),
    },
  };
}

export interface QueuedRows {
  rows: number;
  problems: ResultsProblem[];
  skipped: Skipped[];
  already: number;
  records: BuiltRecord[];
}

/** Builds the records of `text` that are not yet published; with `queue`, signs them into the outbox and the ledger. */
export async function queueNewRows(c: Context, p: Prepared, text: string, queue: boolean, batch = 500): Promise<QueuedRows> {
  const parsed = parseResultsTsv(text);
  const { records, skipped } = await buildRecords(parsed.rows, p.ctx);
  const fresh = records.filter((r) => !p.ledger.has(rowKey(r.row)) && !(r.payload.commit && p.ledger.has(commitKey(r.payload.commit, r.payload.status))));
  const out = { rows: parsed.rows.length, problems: parsed.problems, skipped, already: records.length - fresh.length, records: fresh };
  if (!queue || fresh.length === 0) return out;
  const signer = loadSigner(c.config);
  for (let i = 0; i < fresh.length; i += batch) {
    const part = fresh.slice(i, i + batch);
    const signed = await signAll(part.map((r) => r.payload), signer);
    c.outbox.add(signed.map((s) => s.envelope));
    p.ledger.add(part.map((r, j) => ({ key: rowKey(r.row), id: signed[j].id, line: r.row.line })));
  }
  return out;
}

/** The ledger key `publish` writes for a commit, so a later import does not publish the row again. */
export function commitKey(commit: string, status: string): string {
  return `commit:${commit}:${status}`;
}

