// How a stored value is shown to people (reasons, the CLI): powers of two from 2^10 as 2^n, as batch sizes are written.

/** A stored value as people write it: powers of two from 2^10 as 2^n (batch sizes), the rest as stored. */
export function showValue(v: string): string {
  const n = Number(v);
  const log = Math.log2(n);
  return Number.isInteger(n) && n >= 1024 && Number.isInteger(log) ? `2^${log}` : v;
}
