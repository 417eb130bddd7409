// Text renderings of API answers (check, known-bad, leaderboard), shared by the commands and the MCP tools.
import type { CheckResponse, Leaderboard } from '../../server/protocol/api.schema.ts';
import { showValue } from '../../server/protocol/value-display.ts';

const fmt = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? '–' : x.toFixed(d));
const signed = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x > 0 ? '+' : ''}${x.toFixed(4)}`);

export function renderCheck(r: CheckResponse): string {
  const lines = [`verdict: ${r.verdict}${r.warning ? ' (warning: do not spend the run)' : ''}: ${r.reason}`];
  if (r.hardware_class) lines.push(`your hardware: ${r.hardware_class} (${r.hardware_family})`);
  if (r.changes.length)
    lines.push(
      `read as: ${r.changes.map((c) => `${c.action} ${c.concept}${c.to !== null ? ` ${c.from !== null ? `${showValue(c.from)} → ` : 'to '}${showValue(c.to)}` : ''}`).join('; ')}`,
    );
  if (r.embedding_degraded) lines.push('(embedding service down: only changes and words were used)');
  const line = (m: CheckResponse['matches'][number], label: string) => {
    const o = m.overall;
    const here = m.here ? `; here ${m.here.attempts} tried, ${m.here.keeps} kept, median Δ ${signed(m.here.delta_val_bpb.median)}` : '';
    return (
      `- ${label} [${m.verdict}] "${m.description.slice(0, 90)}": ${o.attempts} tried, ${o.keeps} kept, ${o.discards} discarded, ${o.crashes} crashed, ` +
      `median Δval_bpb ${signed(o.delta_val_bpb.median)}${here}\n    why: ${m.why.text}`
    );
  };
  for (const m of r.matches.slice(0, 5)) lines.push(line(m, m.same_idea ? 'same idea' : m.exact ? 'exact change' : 'match'));
  if (r.matches.length === 0) lines.push('nobody has published anything like it yet');
  for (const m of r.related.slice(0, 3)) lines.push(line(m, 'related'));
  return lines.join('\n');
}

export function renderLeaderboard(lb: Leaderboard): string {
  const lines = [lb.harness ? `harness ${lb.harness.name}` : 'no records yet'];
  if (lb.harness?.ranked === false)
    lines.push('an unknown harness (no prepare.py): its records inform ideas by their deltas, never a ranking');
  // Only a confirmed result is a class's number; a better one is a claim, with the command that would confirm it.
  const standing = (b: Leaderboard['classes'][number]['best']) =>
    !b ? '' : `${b.confirmed_by === 'same_key' ? 'same key' : 'other key'}, ${b.replications} repl.`;
  const rows = lb.classes.map((c) => [
    c.hardware_class,
    c.best ? fmt(c.best.val_bpb, 6) : 'none confirmed',
    standing(c.best),
    c.best_claim ? `${fmt(c.best_claim.val_bpb, 6)} (claim: crossfork replicate ${c.best_claim.id})` : '',
    c.flagged.length ? String(c.flagged.length) : '',
    `±${fmt(c.noise.sigma, 4)}`,
    String(c.keeps),
    String(c.records),
    String(c.contributors),
    (c.best ?? c.best_claim)?.description.slice(0, 60) ?? '',
  ]);
  if (rows.length) {
    const head = [
      'hardware class',
      'confirmed best',
      'confirmed by',
      'better claim, awaiting replication',
      'flagged',
      'noise σ',
      'keeps',
      'records',
      'contributors',
      'experiment',
    ];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [head, ...rows])
      lines.push(
        r
          .map((c, i) => c.padEnd(w[i]))
          .join('  ')
          .trimEnd(),
      );
  }
  const flagged = lb.classes.flatMap((c) =>
    c.flagged.map((f) => `- ${c.hardware_class}: ${fmt(f.val_bpb, 6)} ${f.id.slice(0, 12)} flagged: ${f.reason ?? 'implausible'}`),
  );
  if (flagged.length) lines.push('', 'flagged (they lead only once another key reproduces them):', ...flagged);
  return lines.join('\n');
}
