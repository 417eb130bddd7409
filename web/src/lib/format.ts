// Formatting shared by the pages: val_bpb, deltas, dates, sizes, and who a record is from.
export const fmtBpb = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(4));

export const fmtDelta = (d: number | null | undefined) =>
  d === null || d === undefined ? '—' : `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(4)}`;

/** Lower val_bpb is better: a negative delta is an improvement. */
export const deltaTone = (d: number | null | undefined) => (d === null || d === undefined || d === 0 ? 'neutral' : d < 0 ? 'good' : 'bad');

export function fmtDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

export function fmtDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const fmtNum = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined
    ? '—'
    : Number.isInteger(v)
      ? v.toLocaleString('en-US')
      : v.toLocaleString('en-US', { maximumFractionDigits: digits });

export function fmtMemory(mb: number | null | undefined): string {
  if (mb === null || mb === undefined) return '—';
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GiB` : `${Math.round(mb)} MiB`;
}

/** `SHA256:abcd…wxyz`: enough to tell keys apart in a table. */
export function shortFingerprint(fp: string): string {
  const body = fp.replace(/^SHA256:/, '');
  return body.length > 12 ? `SHA256:${body.slice(0, 8)}…` : fp;
}

const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** The GitHub login when it is a valid one (it becomes part of a URL). */
export const githubLogin = (login: string | null | undefined) => (login && GITHUB_LOGIN.test(login) ? login : null);

/** Only http(s) URLs become links; anything else (javascript:, data:) stays text. */
export function safeHttpUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const p = new URL(u);
    return p.protocol === 'https:' || p.protocol === 'http:' ? p.href : null;
  } catch {
    return null;
  }
}
