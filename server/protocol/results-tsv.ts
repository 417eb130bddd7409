// The one parser of autoresearch `results.tsv` logs, in every variant real forks write: extra,
// missing and reordered columns, status synonyms, divider rows, crash rows with zeros. Pure.
import { VAL_BPB_MAX } from './record.schema.ts';

export type ResultsStatus = 'keep' | 'discard' | 'crash';

export interface ResultsRow {
  /** 1-based line number in the file. */
  line: number;
  /** Lowercase hex commit (short or full) or null when the cell is not a hash (`initial`, empty). */
  commit: string | null;
  /** null for crashes (a 0 or empty value in the file). */
  val_bpb: number | null;
  memory_gb: number | null;
  status: ResultsStatus;
  description: string;
  /** Every cell by its (lower-cased) header name, as written. */
  raw: Record<string, string>;
  /** The status cell as written (`kept`, `best`, `baseline`, …). */
  status_raw: string;
  /** Metrics some forks log in extra columns (mfu, num_steps, …), in the record's units. */
  metrics: {
    mfu_percent: number | null;
    num_steps: number | null;
    num_params_m: number | null;
    total_tokens_m: number | null;
    training_seconds: number | null;
  };
}

export interface ResultsProblem {
  line: number;
  reason: string;
  text: string;
}

export interface ParsedResults {
  columns: string[];
  rows: ResultsRow[];
  problems: ResultsProblem[];
  /** Why the whole file cannot be read as a results.tsv (comma-separated, no val_bpb column); rows is then empty. */
  fileProblem: string | null;
}

/** The header autoresearch's program.md asks for; used when a file has no header line. */
export const DEFAULT_RESULTS_COLUMNS = ['commit', 'val_bpb', 'memory_gb', 'status', 'description'];

const STATUS: Record<string, ResultsStatus> = {};
for (const s of [
  'keep',
  'kept',
  'best',
  'new best',
  'baseline',
  'success',
  'succeeded',
  'improved',
  'accept',
  'accepted',
  'tentative',
  'ok',
  'yes',
])
  STATUS[s] = 'keep';
for (const s of ['discard', 'discarded', 'worse', 'reverted', 'revert', 'rejected', 'reject', 'no improvement', 'neutral', 'no'])
  STATUS[s] = 'discard';
for (const s of ['crash', 'crashed', 'oom', 'failed', 'fail', 'failure', 'error', 'timeout', 'timed out', 'nan', 'diverged', 'invalid'])
  STATUS[s] = 'crash';

const ALIASES: Record<string, string> = {
  hash: 'commit',
  sha: 'commit',
  commit_hash: 'commit',
  bpb: 'val_bpb',
  'val bpb': 'val_bpb',
  valbpb: 'val_bpb',
  desc: 'description',
  notes: 'description',
  note: 'description',
  idea: 'description',
  change: 'description',
  memory: 'memory_gb',
  mem_gb: 'memory_gb',
  peak_memory_gb: 'memory_gb',
  vram_gb: 'memory_gb',
  mfu: 'mfu_percent',
  mfu_pct: 'mfu_percent',
  steps: 'num_steps',
  num_params_m: 'num_params_m',
  params_m: 'num_params_m',
  tokens_m: 'total_tokens_m',
  training_time: 'training_seconds',
  training_s: 'training_seconds',
};
const DIVIDER = /^\s*(?:-{2,}|={2,}|#|\/\/)/;
const HEX = /^[0-9a-f]{4,64}$/;
const EMPTY = new Set(['', '-', 'n/a', 'na', 'none', 'null', '—']);

/** Parses a results.tsv text. Never throws: lines it cannot use are returned as problems with a reason. */
export function parseResultsTsv(text: string): ParsedResults {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const rows: ResultsRow[] = [];
  const problems: ResultsProblem[] = [];
  const whole = wholeFileProblem(lines);
  if (whole) return { columns: [], rows: [], problems: [], fileProblem: whole };
  let columns: string[] | null = null;
  let headerLine = '';
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const line = i + 1;
    if (text.trim() === '') continue;
    if (columns === null) {
      const cells = text.split('\t').map(normaliseColumn);
      if (cells.includes('val_bpb') || (cells.includes('status') && cells.includes('commit'))) {
        columns = cells;
        headerLine = text;
        continue;
      }
      columns = DEFAULT_RESULTS_COLUMNS;
    }
    if (text === headerLine || DIVIDER.test(text)) continue;
    const row = parseRow(text, line, columns);
    if ('reason' in row) problems.push(row);
    else rows.push(row);
  }
  if (columns !== null && !columns.includes('val_bpb') && rows.length === 0 && problems.length > 0) {
    return { columns, rows: [], problems: [], fileProblem: `the header (${columns.join(', ')}) has no val_bpb column` };
  }
  return { columns: columns ?? [], rows, problems, fileProblem: null };
}

/** A file that is not tab-separated at all: said once, for the file, instead of once per line. */
function wholeFileProblem(lines: string[]): string | null {
  const used = lines.filter((l) => l.trim() !== '' && !DIVIDER.test(l));
  if (used.length === 0 || used.some((l) => l.includes('\t'))) return null;
  const first = used[0];
  for (const [sep, name] of [
    [',', 'comma'],
    [';', 'semicolon'],
    ['|', 'pipe'],
  ] as const) {
    const fields = first.split(sep).length;
    if (fields >= 3) {
      return `the file is ${name}-separated (its first line has ${fields} ${name}-separated fields and no tab); results.tsv must be tab-separated (commit, val_bpb, memory_gb, status, description); write it with tabs (Python: csv.writer(f, delimiter='\\t')) and run again`;
    }
  }
  return used.length > 1
    ? 'no line of the file has a tab: results.tsv must be tab-separated (commit, val_bpb, memory_gb, status, description)'
    : null;
}

function normaliseColumn(cell: string): string {
  const c = cell.trim().toLowerCase().replace(/\s+/g, ' ');
  return ALIASES[c] ?? c;
}

function parseRow(text: string, line: number, columns: string[]): ResultsRow | ResultsProblem {
  const problem = (reason: string): ResultsProblem => ({ line, reason, text });
  let cells = text.split('\t');
  const descAt = columns.indexOf('description');
  if (cells.length > columns.length && descAt === columns.length - 1) {
    // A description with tabs in it: the extra cells belong to it.
    cells = [...cells.slice(0, descAt), cells.slice(descAt).join('\t')];
  }
  if (cells.every((c) => /^\s*(?:-+|=+)?\s*$/.test(c))) return problem('empty or divider-only row');
  if (cells.length !== columns.length) {
    return problem(`has ${cells.length} tab-separated fields, the header has ${columns.length} (${columns.join(', ')})`);
  }
  const raw: Record<string, string> = {};
  columns.forEach((c, i) => (raw[c] = cells[i].trim()));
  if (!columns.includes('val_bpb')) return problem('the file has no val_bpb column');

  const statusRaw = raw.status ?? '';
  const bpbRaw = raw.val_bpb;
  const bpb = number(bpbRaw);
  if (bpb === undefined) return problem(`val_bpb ${JSON.stringify(bpbRaw)} is not a number`);
  let status: ResultsStatus | undefined = STATUS[statusRaw.toLowerCase()];
  if (status === undefined && statusRaw === '' && (bpb === null || bpb === 0)) status = 'crash';
  if (status === undefined) {
    return problem(
      statusRaw === '' ? 'the status is empty' : `unknown status ${JSON.stringify(statusRaw)} (expected keep, discard or crash)`,
    );
  }
  let valBpb = bpb === null || bpb === 0 || Number.isNaN(bpb) ? null : bpb;
  if (status === 'crash') valBpb = null;
  else if (valBpb === null)
    return problem(`status is ${statusRaw} but val_bpb is ${bpbRaw === '' ? 'empty' : bpbRaw}: only crashes may lack a val_bpb`);
  if (valBpb !== null && (valBpb < 0 || valBpb > VAL_BPB_MAX)) return problem(`val_bpb ${bpbRaw} is outside (0, ${VAL_BPB_MAX}]`);

  const description = (raw.description ?? '').trim();
  if (description === '') return problem('the description is empty');
  const commitCell = (raw.commit ?? '').toLowerCase();
  let memoryGb = positive(raw.memory_gb);
  if (memoryGb === null && raw.memory_mb !== undefined) {
    const mb = positive(raw.memory_mb);
    memoryGb = mb === null ? null : mb / 1024;
  }
  const numSteps = positive(raw.num_steps);
  return {
    line,
    commit: HEX.test(commitCell) ? commitCell : null,
    val_bpb: valBpb,
    memory_gb: status === 'crash' && memoryGb === 0 ? null : memoryGb,
    status,
    description,
    raw,
    status_raw: statusRaw,
    metrics: {
      mfu_percent: positive(raw.mfu_percent),
      num_steps: numSteps === null || !Number.isInteger(numSteps) ? null : numSteps,
      num_params_m: positive(raw.num_params_m),
      total_tokens_m: positive(raw.total_tokens_m),
      training_seconds: positive(raw.training_seconds),
    },
  };
}

/** A number, null when the cell is empty, NaN for "nan", undefined when it is not a number. */
function number(cell: string | undefined): number | null | undefined {
  const c = (cell ?? '').trim().toLowerCase();
  if (EMPTY.has(c)) return null;
  if (c === 'nan') return Number.NaN;
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/.test(c)) return undefined;
  return Number(c);
}

/** A finite number ≥ 0 from an optional cell, else null (extra columns are best-effort). */
function positive(cell: string | undefined): number | null {
  const n = number(cell);
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}
