// Renders the known-bad list as markdown, one line per idea, ready to paste into a prompt.
import type { IdeaSummary } from '../../protocol/api.schema.ts';
import { harnessDisplayName } from '../../protocol/harnesses.ts';

const fmtDelta = (d: number | null) => (d === null ? 'n/a' : `${d > 0 ? '+' : ''}${d.toFixed(4)}`);
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 200);

export function knownBadMarkdown(r: { harness_id: string | null; hardware_class: string | null; ideas: IdeaSummary[] }): string {
  const scope = [r.hardware_class ?? 'all hardware', r.harness_id ? `harness ${harnessDisplayName(r.harness_id)}` : 'all harnesses'].join(
    ', ',
  );
  const lines = [
    `## Known-bad ideas (${scope})`,
    '',
    'Tried repeatedly and never kept. Do not try these again unless you change something essential.',
    '',
  ];
  if (r.ideas.length === 0) lines.push('_Nothing known-bad yet._');
  for (const idea of r.ideas) {
    const byClass = idea.by_class.map((c) => `${c.hardware_class} ×${c.attempts}`).join(', ');
    const o = idea.overall;
    lines.push(
      `- ${oneLine(idea.description)} — ${o.attempts} attempts (${byClass}); ${o.keeps} kept; median Δval_bpb ${fmtDelta(o.delta_val_bpb.median)}${o.crashes ? `; ${o.crashes} crashed` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}
