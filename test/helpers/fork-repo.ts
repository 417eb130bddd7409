// Builds a temporary git repository shaped like an autoresearch fork after a night: baseline, kept
// commits, discarded and crashed commits reset away (only in the reflog), an untracked results.tsv.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PREPARE_PY = '# prepare.py of a test harness\nTIME_BUDGET = 300\nMAX_SEQ_LEN = 2048\n';
export const HEADER = 'commit\tval_bpb\tmemory_gb\tstatus\tdescription\n';

export interface Experiment {
  description: string;
  status: 'keep' | 'discard' | 'crash';
  val_bpb: number | null;
  lr: number;
}
export interface ForkRepo {
  dir: string;
  harnessId: string;
  rows: { commit: string; full: string; exp: Experiment }[];
  append(exp: Experiment): string;
}

const trainPy = (lr: number, depth = 8) => `# train.py\nDEPTH = ${depth}\nMATRIX_LR = ${lr}\n\ndef main():\n    pass\n`;

export function makeFork(experiments: Experiment[], dir = mkdtempSync(join(tmpdir(), 'crossfork-fork-'))): ForkRepo {
  let date = '';
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
        ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
      },
    }).trim();
  git('init', '-q', '-b', 'autoresearch/mar8');
  writeFileSync(join(dir, 'prepare.py'), PREPARE_PY);
  writeFileSync(join(dir, 'train.py'), trainPy(0.04));
  writeFileSync(join(dir, '.gitignore'), 'results.tsv\nrun.log\n');
  git('add', '.');
  git('commit', '-q', '-m', 'upstream');
  writeFileSync(join(dir, 'results.tsv'), HEADER);
  const rows: ForkRepo['rows'] = [];
  let n = 0;
  const append = (exp: Experiment) => {
    n++;
    // Each experiment edits train.py and commits; discards and crashes are reset away afterwards.
    writeFileSync(join(dir, 'train.py'), trainPy(exp.lr, 8 + (n % 3)));
    date = `2026-03-08T21:${String(n % 60).padStart(2, '0')}:00Z`;
    git('commit', '-q', '-am', exp.description);
    date = '';
    const full = git('rev-parse', 'HEAD');
    const short = full.slice(0, 7);
    if (exp.status !== 'keep') git('reset', '-q', '--hard', 'HEAD~1');
    const bpb = exp.val_bpb === null ? '0.000000' : exp.val_bpb.toFixed(6);
    appendFileSync(
      join(dir, 'results.tsv'),
      `${short}\t${bpb}\t${exp.status === 'crash' ? '0.0' : '44.0'}\t${exp.status}\t${exp.description}\n`,
    );
    rows.push({ commit: short, full, exp });
    return short;
  };
  for (const exp of experiments) append(exp);
  return { dir, harnessId: createHash('sha256').update(PREPARE_PY).digest('hex'), rows, append };
}

export const NIGHT: Experiment[] = [
  { description: 'baseline', status: 'keep', val_bpb: 0.9979, lr: 0.04 },
  { description: 'increase MATRIX_LR to 0.05', status: 'keep', val_bpb: 0.9932, lr: 0.05 },
  { description: 'increase MATRIX_LR to 0.08', status: 'discard', val_bpb: 1.0051, lr: 0.08 },
  { description: 'double depth (OOM)', status: 'crash', val_bpb: null, lr: 0.05 },
  { description: 'MATRIX_LR 0.05 -> 0.06', status: 'keep', val_bpb: 0.9901, lr: 0.06 },
];
