// The real fork logs of ../shared/corpus/results as record payloads, one fork at a time, on the
// hardware each fork most likely ran on (our reading of MANIFEST.tsv's guesses; a guessed chip
// where the log only says "Apple Silicon" or "RTX").
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResultsTsv, type ResultsRow } from '../../server/protocol/results-tsv.ts';
import { LIMITS } from '../../server/protocol/limits.ts';
import { NO_RUN_METRICS, type RecordPayload } from '../../server/protocol/record.schema.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/results/', import.meta.url));
/** One harness for every fork: a bare results.tsv is taken to be on the current upstream prepare.py. */
export const CORPUS_HARNESS = '4f2ba9cbb8ba8c4a3d35be405a913e2f3be3af9aea103ed52ef7b2a662058150';

type Hw = RecordPayload['hardware'];
const hw = (accelerator: Hw['accelerator'], device_name: string, memory_mb: number | null): Hw => ({
  accelerator,
  device_name,
  device_count: 1,
  memory_mb,
  driver: null,
  runtime: null,
});

/** Each fork's hardware: what MANIFEST.tsv names, else a plausible device of what it guesses. */
export const CORPUS_HARDWARE: Readonly<Record<string, Hw>> = {
  'Abhaysharma53__test_autoresearch_folktales.tsv': hw('cpu', 'Intel Core i7-12700H', 16384),
  'Bervaso__autoresearch-macos.tsv': hw('mps', 'Apple M2 Pro', 32768),
  'Blitzo125__autoresearch-results.tsv': hw('cuda', 'NVIDIA GeForce RTX 4070', 12282),
  'BobMolt__autoresearch-mlx.tsv': hw('mlx', 'Apple M4', 16384),
  'DDay-FG__autoresearch-mlx.tsv': hw('mlx', 'Apple M4 Pro', 24576),
  'Davidabiera__autoresearch-macos.tsv': hw('mps', 'Apple M3 Pro', 18432),
  'Djordje-Stojanovic__TrainRTX5070.tsv': hw('cuda', 'NVIDIA GeForce RTX 5070', 12227),
  'Epistetechnician__autoresearch-macos.tsv': hw('mps', 'Apple M1 Pro', 16384),
  'EthanBobbyTR__mamba-auto-full.tsv': hw('cuda', 'NVIDIA A10G', 23028),
  'JKeller45__autoresearch-rocm.tsv': hw('rocm', 'AMD Radeon RX 7800 XT', 16368),
  'ReadbytheBeach__autoresearch-dgx.tsv': hw('cuda', 'NVIDIA GB10', 122880),
  'Venkateshwar-PortoAI__autoresearch-mac-mini.tsv': hw('mps', 'Apple M4', 16384),
  'adamsalah13__autoresearch-win-rtx.tsv': hw('cuda', 'NVIDIA GeForce RTX 3060', 12288),
  'blueberry-llm__autoresearch-windows.tsv': hw('cuda', 'NVIDIA GeForce RTX 4060 Ti', 16380),
  'digital-rain-tech__autoresearch-mlx.tsv': hw('mlx', 'Apple M2 Max', 98304),
  'dowlingwong__autoresearch-macos.tsv': hw('mps', 'Apple M1', 8192),
  'dustinwloring1988__autoresearch-win-rtx.tsv': hw('cuda', 'NVIDIA GeForce RTX 4060', 8188),
  'febinct__autoresearch-macos.tsv': hw('mps', 'Apple M1 Pro', 16384),
  'headsmanC0de__autoresearch-win-rtx.tsv': hw('cuda', 'NVIDIA GeForce RTX 3080', 10240),
  'isque03__autoresearch-mlx.tsv': hw('mlx', 'Apple M2', 8192),
  'jzmyres__parameter-golf.tsv': hw('cuda', 'NVIDIA H100 80GB HBM3', 81559),
  'os-research__autoresearch-win-rtx.tsv': hw('cuda', 'NVIDIA GeForce RTX 4070', 12282),
  'pa4uslf__autoresearch-macos.tsv': hw('mps', 'Apple M3', 16384),
  'reowens__autoresearch-mlx.tsv': hw('mlx', 'Apple M3 Max', 65536),
  'willcoming__autoresearch-mlx.tsv': hw('mlx', 'Apple M4 Max', 65536),
  '25b3nk__parameter-golf.tsv': { ...hw('cuda', 'NVIDIA H100 80GB HBM3', 81559), device_count: 8 },
};

export interface CorpusRow {
  file: string;
  line: number;
  ref: string;
  row: ResultsRow;
  payload: RecordPayload;
}
export interface CorpusFork {
  file: string;
  hardware: Hw;
  rows: CorpusRow[];
}

export const corpusPresent = () => existsSync(CORPUS_DIR);

/** Every fork's rows as payloads, in file order (the parent of a row is the last keep before it). */
export function loadCorpus(): CorpusFork[] {
  const files = readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv')
    .sort();
  return files.map((file) => {
    const hardware = CORPUS_HARDWARE[file] ?? hw('other', 'unknown accelerator', null);
    const parsed = parseResultsTsv(readFileSync(join(CORPUS_DIR, file), 'utf8'));
    let parent: ResultsRow | null = null;
    const rows = parsed.rows.map((row, i) => {
      const payload: RecordPayload = {
        schema: 'crossfork.record/v1',
        created_at: new Date(Date.UTC(2026, 2, 10) + i * 360_000).toISOString(),
        description:
          row.description.length > LIMITS.descriptionChars
            ? `${row.description.slice(0, LIMITS.descriptionChars - 1)}…`
            : row.description || '(no description)',
        status: row.status,
        diff: null,
        parent: parent ? { train_py_sha256: null, commit: parent.commit, val_bpb: parent.val_bpb } : null,
        commit: row.commit,
        metrics: { val_bpb: row.val_bpb, ...NO_RUN_METRICS },
        harness: { id: CORPUS_HARNESS, name: 'autoresearch', time_budget_s: 300 },
        hardware,
        agent: { model: null, tool: null },
        fork: { id: file.replace(/\.tsv$/, ''), branch: null, url: null },
      };
      if (row.status === 'keep' && row.val_bpb !== null) parent = row;
      return { file, line: row.line, ref: `${file}:${row.line}`, row, payload };
    });
    return { file, hardware, rows };
  });
}

/** A seeded shuffle (mulberry32), so replay orders repeat run to run. */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
