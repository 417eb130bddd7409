// A fork-shaped repository for `crossfork run` and a stand-in training command: it reads
// train.py's constants and prints autoresearch's summary (val_bpb from LR and DEPTH), or
// crashes out of memory when CRASH = True. Shared by the run test and the loop bench.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envelope, type TestSigner } from './records.ts';
import { waitForIdeas } from './server-process.ts';

export const TRAIN_PY = `# train.py (stand-in)
LR = 0.04
DEPTH = 8
CRASH = False
ACTIVATION = "relu2"

def main():
    pass
`;

export const PREPARE_PY = '# prepare.py (stand-in)\nTIME_BUDGET = 300\n';

/**
 * Writes the stand-in trainer (a Node script) and returns the command that runs it for `seconds`.
 * It reports `reportedS` training seconds (default the harness's 300 s budget: it stands in for a real run).
 */
export function fakeTrainer(seconds = 0, reportedS = 300): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-trainer-'));
  const script = join(dir, 'fake-train.mjs');
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
const src = readFileSync('train.py', 'utf8');
const num = (k) => Number(new RegExp('^' + k + ' = ([0-9.]+)', 'm').exec(src)[1]);
await new Promise((r) => setTimeout(r, ${Math.round(seconds * 1000)}));
if (/^CRASH = True/m.test(src)) {
  console.error('Traceback (most recent call last):\\n  File "train.py", line 3\\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB');
  process.exit(1);
}
const val = 1.0 + Math.abs(num('LR') - 0.05) * 2 - (num('DEPTH') - 8) * 0.01;
console.log('step 100\\n---');
console.log('val_bpb:          ' + val.toFixed(6));
console.log('training_seconds: ${reportedS.toFixed(1)}\\ntotal_seconds:    ${(reportedS + 0.1).toFixed(1)}\\npeak_vram_mb:     20480.0\\nmfu_percent:      40.00\\ntotal_tokens_M:   10.0\\nnum_steps:        100\\nnum_params_M:     1.0\\ndepth:            ' + num('DEPTH'));
`,
  );
  return `node ${script}`;
}

/** A git repository with train.py and prepare.py committed, results.tsv absent (untracked when written). */
export function makeLoopRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-loop-'));
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { stdio: 'pipe' });
  git('init', '-q', '-b', 'autoresearch/test');
  git('config', 'user.email', 'agent@example.org');
  git('config', 'user.name', 'agent');
  writeFileSync(join(dir, 'train.py'), TRAIN_PY);
  writeFileSync(join(dir, 'prepare.py'), PREPARE_PY);
  writeFileSync(join(dir, '.gitignore'), 'results.tsv\nrun.log\n.crossfork-run.json\n');
  git('add', '.');
  git('commit', '-q', '-m', 'baseline');
  return dir;
}

/** A chat answer that replaces the `NAME = value` line of the train.py in the request. */
export function setConstant(name: string, value: string, description: string) {
  return (req: { messages: { content: unknown }[] }) => {
    const text = String(req.messages[req.messages.length - 1].content);
    const line = new RegExp(`^${name} = .*$`, 'm').exec(text)![0];
    return JSON.stringify({ description, edits: [{ search: line, replace: `${name} = ${value}` }] });
  };
}

/** The hardware the loop tests run "on", as CLI flags and as a record's `hardware`. */
export const LOOP_HW_FLAGS = ['--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', '24564', '--accelerator', 'cuda'];
export const LOOP_HARDWARE = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 } as const;
/** The harness of a repository made by makeLoopRepo (its prepare.py's hash). */
export const LOOP_HARNESS = { id: createHash('sha256').update(PREPARE_PY).digest('hex'), name: 'autoresearch', time_budget_s: 300 };

/** Publishes signed records to a running server as other forks would (`signerOf(i)` signs the i-th), then waits until every record has its idea. */
export async function seedOthers(url: string, payloads: object[], signerOf: (i: number) => TestSigner): Promise<void> {
  for (const [i, payload] of payloads.entries()) {
    const res = await fetch(`${url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope(payload, signerOf(i))),
    });
    if (res.status !== 201) throw new Error(`seeding a record: ${res.status} ${await res.text()}`);
  }
  await waitForIdeas(url);
}

/** The start of a `crossfork run` command line against the fake model: add the run's own flags after it. */
export function loopRun(repo: string, modelUrl: string): string[] {
  return ['run', '--repo', repo, '--model', 'fake-model', '--base-url', modelUrl];
}
