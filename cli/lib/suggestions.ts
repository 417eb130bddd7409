// Suggestions (GET /v1/suggestions) as the CLI asks for them, with this machine's hardware, the
// fork's harness and id, and how they are shown: `crossfork suggest`, the MCP tool, `crossfork run`'s prompt.
import type { Hardware } from '../../server/protocol/record.schema.ts';
import type { Suggestions } from '../../server/protocol/api.schema.ts';
import type { ApiClient } from './api-client.ts';

export interface SuggestionScope {
  harnessId: string;
  hardware: Hardware;
  hardwareClass?: string;
  forkId?: string | null;
  limit?: number;
}

export function askSuggestions(client: ApiClient, s: SuggestionScope): Promise<Suggestions> {
  const hw = s.hardwareClass
    ? { hardware_class: s.hardwareClass }
    : {
        accelerator: s.hardware.accelerator,
        device_name: s.hardware.device_name,
        memory_mb: s.hardware.memory_mb,
        device_count: s.hardware.device_count,
      };
  return client.suggestions({ harness: s.harnessId, ...hw, fork: s.forkId ?? undefined, limit: s.limit }) as Promise<Suggestions>;
}

const signed = (x: number) => `${x > 0 ? '+' : ''}${x}`;

/** Suggestions as text: one numbered idea a line with its reason, then what to avoid. */
export function renderSuggestions(r: Suggestions): string {
  const where = r.hardware_class ? `${r.hardware_class} (${r.hardware_family})` : 'any hardware';
  const lines = [
    `what to try next on ${where}${r.fork ? `, leaving out the ${r.tried_by_fork} idea${r.tried_by_fork === 1 ? '' : 's'} this fork tried` : ''}:`,
  ];
  if (r.suggestions.length === 0) lines.push('  nothing yet: no idea was kept on this harness that this fork has not tried');
  r.suggestions.forEach((s, i) => {
    const tags = [s.basis.replace('_', ' '), ...(s.transfers ? ['transfers'] : [])].join(', ');
    const effect = s.evidence.effect ? `, median Δ ${signed(s.evidence.effect.median)}` : '';
    lines.push(`${String(i + 1).padStart(2)}. "${s.description.slice(0, 100)}" [${tags}${effect}] idea ${s.idea_id}`);
    lines.push(`    ${s.reason}`);
  });
  if (r.avoid.length) {
    lines.push(`avoid (known bad${r.hardware_class ? ` on ${r.hardware_class}` : ''}):`);
    for (const a of r.avoid.slice(0, 10)) lines.push(`  - "${a.description.slice(0, 100)}": ${a.attempts} tried, ${a.keeps} kept`);
  }
  return lines.join('\n');
}

/** Worse beyond noise where it was measured nearest the caller: its whole interval above 0. */
export const worseBeyondNoise = (s: Suggestions['suggestions'][number]) => s.evidence.effect !== null && s.evidence.effect.low > 0;

/**
 * Suggestions as numbered prompt lines: the idea, and the evidence behind it. An idea worse beyond
 * noise is never listed as one to try, whatever a server answers (the server leaves them out).
 */
export function suggestionLines(r: Suggestions): string {
  return r.suggestions
    .filter((s) => !worseBeyondNoise(s))
    .map((s, i) => `${i + 1}. "${s.description.slice(0, 200)}": ${s.reason}`)
    .join('\n');
}
