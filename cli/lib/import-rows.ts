// The import pipeline shared by `import`, `watch`, `publish` and `run`: parse results.tsv, build
// records from git, skip rows already published, sign, queue in the outbox, remember them in the ledger.
import { resolve } from 'node:path';
import { parseResultsTsv, type ResultsProblem } from '../../server/protocol/results-tsv.ts';
import type { Context } from './context.ts';
import { usageError } from './errors.ts';
import { describeFork } from './fork.ts';
import { isGitRepo } from './git.ts';
import { type HardwareFlags } from './hardware.ts';
import { resolveHarness, type HarnessChoice, type HarnessFlags } from './harness.ts';
import { Ledger, rowKey } from './ledger.ts';
import { MEMORY_UNITS, type MemoryUnit } from './memory-unit.ts';
import { machineHardware, unsavedNote, type MachineHardware } from './profile.ts';
import { buildRecords, type BuildContext, type BuiltRecord, type Skipped } from './records.ts';
import { signAll } from './publish.ts';
import { loadSigner } from './signer.ts';

export interface ImportOptions extends HardwareFlags, HarnessFlags {
  repo: string;
  agentModel?: string;
  agentTool?: string;
  harnessName?: string;
  timeBudget?: string;
  forkId?: string;
  forkUrl?: string;
  memoryUnit?: string;
}

export interface Prepared {
  repo: string;
  ledger: Ledger;
  fork: BuiltRecord['payload']['fork'];
  ctx: BuildContext;
  machine: MachineHardware;
  harness: HarnessChoice;
}

export async function prepareImport(ctx: Context, opts: ImportOptions): Promise<Prepared> {
  const repo = resolve(opts.repo);
  const budget = opts.timeBudget === undefined ? undefined : Number(opts.timeBudget);
  if (budget !== undefined && !(budget > 0)) throw usageError('--time-budget must be a positive number of seconds');
  if (opts.memoryUnit !== undefined && !(MEMORY_UNITS as readonly string[]).includes(opts.memoryUnit))
    throw usageError(`--memory-unit must be one of ${MEMORY_UNITS.join(', ')}`);
  const gitAvailable = await isGitRepo(repo);
  const fork = await describeFork(repo, { forkId: opts.forkId, forkUrl: opts.forkUrl });
  // Without prepare.py (and no --harness), the fork's own unknown harness: never assumed upstream.
  const harness = resolveHarness(repo, opts, fork.id);
  const machine = await machineHardware(ctx.config, opts);
  const unsaved = unsavedNote(machine);
  if (unsaved) ctx.log(unsaved);
  return {
    repo,
    fork,
    machine,
    harness,
    ledger: new Ledger(ctx.home, fork.id),
    ctx: {
      repo,
      gitAvailable,
      hardware: machine.hardware,
      fork,
      agent: { model: opts.agentModel ?? null, tool: opts.agentTool ?? null },
      harness: {
        id: harness.source === 'flag' || harness.source === 'name' ? harness.id : undefined,
        assumed: harness.source === 'assumed' || harness.source === 'unknown' ? harness.id : undefined,
        name: opts.harnessName ?? 'autoresearch',
        timeBudgetS: budget,
      },
      memoryUnit: opts.memoryUnit as MemoryUnit | undefined,
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
  notes: string[];
  /** The whole file was refused (comma-separated, impossible memory unit): nothing was queued. */
  fileProblem: string | null;
  /** Rows on the assumed harness (the fork's unknown one: no prepare.py at hand). */
  assumedHarness: number;
  /** Rows kept off the server earlier (`crossfork run`'s short runs; listed in skipped with why). */
  withheld: number;
  /** Rows `withhold` kept off the server this time (remembered in the ledger), and why. */
  withheldNow: number;
  withheldReasons: string[];
}

/** Builds the records of `text` that are not yet published; with `queue`, signs them into the outbox and the ledger. */
export async function queueNewRows(
  c: Context,
  p: Prepared,
  text: string,
  queue: boolean,
  batch = 500,
  withhold?: (r: BuiltRecord) => string | null,
): Promise<QueuedRows> {
  const parsed = parseResultsTsv(text);
  const empty = {
    rows: 0,
    problems: [],
    skipped: [],
    already: 0,
    records: [],
    notes: [],
    assumedHarness: 0,
    withheld: 0,
    withheldNow: 0,
    withheldReasons: [],
  };
  if (parsed.fileProblem) return { ...empty, fileProblem: parsed.fileProblem };
  const built = await buildRecords(parsed.rows, p.ctx);
  if (built.fileProblem) return { ...empty, rows: parsed.rows.length, problems: parsed.problems, fileProblem: built.fileProblem };
  const skipped = [...built.skipped];
  const fresh: BuiltRecord[] = [];
  const withheld: { r: BuiltRecord; reason: string }[] = [];
  let already = 0;
  let withheldBefore = 0;
  for (const r of built.records) {
    const entry =
      p.ledger.get(rowKey(r.row)) ?? (r.payload.commit ? p.ledger.get(commitKey(r.payload.commit, r.payload.status)) : undefined);
    const reason = entry ? null : (withhold?.(r) ?? null);
    if (entry?.withheld) {
      withheldBefore++;
      skipped.push({ line: r.row.line, description: r.row.description, reason: `not published: ${entry.withheld}` });
    } else if (entry) already++;
    else if (reason) withheld.push({ r, reason });
    else fresh.push(r);
  }
  skipped.sort((a, b) => a.line - b.line);
  const out = {
    rows: parsed.rows.length,
    problems: parsed.problems,
    skipped,
    already,
    records: fresh,
    notes: built.notes,
    fileProblem: null,
    assumedHarness: built.assumedHarness,
    withheld: withheldBefore,
    withheldNow: withheld.length,
    withheldReasons: withheld.map((w) => w.reason),
  };
  // Kept off the server for good: a later import says why instead of publishing them.
  if (queue && withheld.length)
    p.ledger.add(withheld.map(({ r, reason }) => ({ key: rowKey(r.row), id: '', line: r.row.line, withheld: reason })));
  if (!queue || fresh.length === 0) return out;
  const signer = loadSigner(c.config);
  for (let i = 0; i < fresh.length; i += batch) {
    const part = fresh.slice(i, i + batch);
    const signed = await signAll(
      part.map((r) => r.payload),
      signer,
    );
    c.outbox.add(signed.map((s) => s.envelope));
    p.ledger.add(part.map((r, j) => ({ key: rowKey(r.row), id: signed[j].id, line: r.row.line })));
  }
  return out;
}

/** The ledger key `publish` writes for a commit, so a later import does not publish the row again. */
export function commitKey(commit: string, status: string): string {
  return `commit:${commit}:${status}`;
}
