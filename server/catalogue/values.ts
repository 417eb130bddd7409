// Canonical values of parameter changes: numbers as agents write them (0.040, 1e-3, 2^16, 16K,
// 4x, 30%, 8/3) and train.py right-hand sides (2**19, 7 * 2**15, (0.8, 0.95), "SSSL").

export type Value = number | string;

/** One spelling per value: numbers to 12 significant digits (0.040 → 0.04), strings lower-cased. */
export function formatValue(v: Value): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(12))) : v.toLowerCase();
}

/**
 * A number as prose writes it, to find inside text (tokens.ts, prose-values.ts): 0.04, .5, 1e-3,
 * 2^16, 2**16, 8/3, 16K, 4x, 30%, 30 percent. PROSE_NUMBER below parses the same notation.
 */
export const NUMBER = String.raw`(?:\d[\d_]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?(?:\s*(?:\^|\*\*)\s*\d+)?(?:\/\d+(?:\.\d+)?)?(?:[km](?![a-z]))?(?:x(?![a-z0-9]))?(?:\s*(?:%|percent\b))?`;

const PROSE_NUMBER = /^(\d[\d_]*(?:\.\d+)?|\.\d+)(e[-+]?\d+)?(?:\s*(?:\^|\*\*)\s*(\d+))?(?:\/(\d+(?:\.\d+)?))?([km])?(x)?\s*(%|percent)?$/i;

/**
 * A number as written in a description. `16K` is 16·1024 when 16 is a power of two (token
 * counts), else 16·1000; `4x` is a multiple (`factor`); `30%` is 0.3.
 */
export function parseProseNumber(raw: string): { value: number; factor: boolean } | null {
  const m = PROSE_NUMBER.exec(raw.trim());
  if (!m) return null;
  const [, mantissa, exponent, power, divisor, suffix, times, percent] = m;
  let value = Number(mantissa.replace(/_/g, '') + (exponent ?? ''));
  if (power !== undefined) value **= Number(power);
  if (divisor !== undefined) value /= Number(divisor);
  if (suffix) {
    const unit = suffix.toLowerCase() === 'k' ? 1 : 2;
    const base = Number.isInteger(Math.log2(value)) ? 1024 : 1000;
    value *= base ** unit;
  }
  if (percent) value /= 100;
  return Number.isFinite(value) ? { value, factor: times !== undefined } : null;
}

/**
 * A train.py right-hand side as configuration: arithmetic on numbers, a short string, a bool or
 * None, or a tuple of those. Null for anything else (code, not configuration).
 */
export function parsePythonLiteral(src: string): Value | Value[] | null {
  const s = src.trim();
  const items = splitTopLevel(s.startsWith('(') && s.endsWith(')') && splitTopLevel(s.slice(1, -1)).length > 1 ? s.slice(1, -1) : s);
  const values = items.map(parseScalar);
  if (values.some((v) => v === null)) return null;
  return values.length === 1 ? values[0] : (values as Value[]);
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim()).filter((p, i, all) => p !== '' || i < all.length - 1);
}

const STRING = /^(['"])([\w.\-/ ]{0,32})\1$/;
const KEYWORDS: Readonly<Record<string, string>> = { True: 'true', False: 'false', None: 'none' };

function parseScalar(s: string): Value | null {
  const str = STRING.exec(s);
  if (str) return str[2].toLowerCase();
  if (s in KEYWORDS) return KEYWORDS[s];
  return /^[\d_.eE+\-*/() ]+$/.test(s) ? evaluate(s) : null;
}

/** + - * / // ** and parentheses over numeric literals; null when malformed. */
function evaluate(src: string): number | null {
  const tokens = src.match(/\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|\*\*|\/\/|[-+*/()]/g) ?? [];
  if (tokens.join('') !== src.replace(/\s+/g, '')) return null;
  let i = 0;
  const peek = () => tokens[i];
  const expr = (): number => {
    let v = term();
    while (peek() === '+' || peek() === '-') v = tokens[i++] === '+' ? v + term() : v - term();
    return v;
  };
  const term = (): number => {
    let v = unary();
    for (let op = peek(); op === '*' || op === '/' || op === '//'; op = peek()) {
      i++;
      const r = unary();
      v = op === '*' ? v * r : op === '/' ? v / r : Math.floor(v / r);
    }
    return v;
  };
  const unary = (): number => (peek() === '-' ? (i++, -unary()) : peek() === '+' ? (i++, unary()) : power());
  const power = (): number => {
    const base = atom();
    return peek() === '**' ? (i++, base ** unary()) : base;
  };
  const atom = (): number => {
    const t = tokens[i++];
    if (t === '(') {
      const v = expr();
      if (tokens[i++] !== ')') throw new SyntaxError('unbalanced');
      return v;
    }
    if (t === undefined || !/^[\d.]/.test(t)) throw new SyntaxError('number expected');
    return Number(t.replace(/_/g, ''));
  };
  try {
    const v = expr();
    return i === tokens.length && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}
