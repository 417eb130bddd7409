// Import benchmark: a fork with an N-row results.tsv and its git history (kept commits on the branch,
// discarded and crashed ones unreachable, as after `git reset`), imported end to end by the real CLI
// with in-process signing against a local server process.
//   npm run bench -- import [--rows 5000] [--drivers postgres,pglite]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabaseUrl } from './databases.ts';
import { startServer } from '../test/helpers/server-process.ts';
import { BIN } from '../test/helpers/cli.ts';

const PREPARE = '# prepare.py\nTIME_BUDGET = 300\nMAX_SEQ_LEN = 2048\n';
const PARAMS = ['MATRIX_LR', 'EMBEDDING_LR', 'UNEMBEDDING_LR', 'SCALAR_LR', 'WEIGHT_DECAY', 'WARMDOWN_RATIO', 'ADAM_BETA1', 'ADAM_BETA2'];

/** A train.py of realistic size (~600 lines) with the hyperparameters at the top. */
function trainPy(values: number[]): string {
  const head = PARAMS.map((p, i) => `${p} = ${values[i].toFixed(4)}`).join('\n');
  const body = Array.from({ length: 600 }, (_, i) => `    x_${i} = layer_${i % 40}(x_${Math.max(0, i - 1)})  # step ${i}`).join('\n');
  return `# train.py\n${head}\n\ndef forward(x_0):\n${body}\n    return x_599\n`;
}

/** Writes the repository with one `git fast-import` stream; returns the results.tsv text. */
function buildFork(dir: string, rows: number): string {
  execFileSync('git', ['init', '-q', '-b', 'autoresearch/bench', dir]);
  const parts: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  let mark = 0;
  let when = 1_772_000_000;
  const commit = (ref: string, from: number | null, files: Record<string, string>, msg: string) => {
    mark++;
    when += 60;
    parts.push(`commit ${ref}\nmark :${mark}\ncommitter bench <b@b> ${when} +0000\n${data(msg)}${from ? `from :${from}\n` : ''}`);
    for (const [path, text] of Object.entries(files)) parts.push(`M 100644 inline ${path}\n${data(text)}`);
    parts.push('\n');
    return mark;
  };
  let values = PARAMS.map((_, i) => 0.01 * (i + 1));
  let tip = commit('refs/heads/autoresearch/bench', null, { 'prepare.py': PREPARE, 'train.py': trainPy(values) }, 'upstream');
  const tsv = ['commit\tval_bpb\tmemory_gb\tstatus\tdescription'];
  const marks: number[] = [];
  let best = 1.0;
  for (let i = 0; i < rows; i++) {
    const p = i % PARAMS.length;
    const next = values.slice();
    next[p] = values[p] * (i % 2 ? 1.1 : 0.9);
    const status = i === 0 || i % 5 === 0 ? 'keep' : i % 10 === 3 ? 'crash' : 'discard';
    const ref = status === 'keep' ? 'refs/heads/autoresearch/bench' : 'refs/heads/scratch';
    const desc = `${PARAMS[p]} ${values[p].toFixed(4)} -> ${next[p].toFixed(4)} (#${i})`;
    const m = commit(ref, tip, { 'train.py': trainPy(next) }, desc);
    marks.push(m);
    let bpb = status === 'crash' ? 0 : status === 'keep' ? (best -= 0.00001) : best + 0.001 + (i % 7) / 10_000;
    if (status === 'keep') {
      tip = m;
      values = next;
    }
    tsv.push(`MARK${m}\t${bpb.toFixed(6)}\t${status === 'crash' ? '0.0' : '44.0'}\t${status}\t${desc}`);
  }
  for (const m of marks) parts.push(`get-mark :${m}\n`);
  const out = execFileSync('git', ['-C', dir, 'fast-import', '--quiet', '--cat-blob-fd=1'], {
    input: parts.join(''),
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  const oids = out.trim().split('\n');
  execFileSync('git', ['-C', dir, 'update-ref', '-d', 'refs/heads/scratch']);
  execFileSync('git', ['-C', dir, 'checkout', '-q', '-f', 'autoresearch/bench']);
  const byMark = new Map(marks.map((m, i) => [m, oids[i].slice(0, 7)]));
  return `${tsv.map((l) => l.replace(/^MARK(\d+)/, (_, m) => byMark.get(Number(m))!)).join('\n')}\n`;
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string; secs: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err, secs: (performance.now() - t0) / 1000 }));
  });
}

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: 'string', default: '5000' }, drivers: { type: 'string', default: 'postgres,pglite' } },
  });
  const rows = Number(values.rows);
  const tmp = mkdtempSync(join(tmpdir(), 'crossfork-bench-import-'));
  const figures: Record<string, { first_import_s: number; second_import_s: number }> = {};
  try {
    const repo = join(tmp, 'fork');
    const t0 = performance.now();
    writeFileSync(join(tmp, 'results.tsv'), '');
    const tsv = buildFork(repo, rows);
    writeFileSync(join(repo, 'results.tsv'), tsv);
    console.log(
      `import bench: fork with ${rows} rows built in ${((performance.now() - t0) / 1000).toFixed(1)} s (git fast-import); target ≤ 30 s per first import`,
    );
    for (const driver of values.drivers!.split(',')) {
      const env: Record<string, string> =
        driver === 'postgres'
          ? { DATABASE_URL: await benchDatabaseUrl('crossfork_bench_import') }
          : { DATABASE_URL: '', CROSSFORK_DATA_DIR: join(tmp, `data-${driver}`) };
      const server = await startServer({ ...env, LOG_LEVEL: 'warn' }, 60_000);
      try {
        // A fresh CROSSFORK_HOME per driver: its ledger would otherwise skip every row.
        const cenv = { CROSSFORK_HOME: join(tmp, `home-${driver}`), CROSSFORK_SERVER: server.url };
        const init = await cli(['init', '--yes', '--json'], cenv);
        if (init.code !== 0) throw new Error(`init failed: ${init.err}`);
        const hw = ['--device', 'NVIDIA H100 80GB HBM3', '--memory-mb', '81559', '--accelerator', 'cuda'];
        const first = await cli(['import', '--repo', repo, '--json', ...hw], cenv);
        if (first.code !== 0) throw new Error(`import failed (${first.code}): ${first.err}`);
        const a = JSON.parse(first.out);
        const second = await cli(['import', '--repo', repo, '--json', ...hw], cenv);
        const b = JSON.parse(second.out);
        const stored = ((await (await fetch(`${server.url}/v1/records?limit=1&status=discard`)).json()) as any).records[0];
        console.log(
          `${driver.padEnd(9)} first import ${first.secs.toFixed(1)} s end to end (${a.published.created} created, ${a.queued} queued, ${Math.round(a.published.created / first.secs)} records/s) ${first.secs <= 30 ? 'within' : 'OVER'} the 30 s target; ` +
            `second import ${second.secs.toFixed(1)} s (${b.published.created} created, ${b.already_published} already published); unreachable discard has its diff: ${Boolean(stored?.payload.diff)}`,
        );
        if (a.published.created !== rows || b.published.created !== 0)
          throw new Error(`${driver}: the import did not publish each row exactly once: ${first.err}`);
        figures[driver] = { first_import_s: Number(first.secs.toFixed(2)), second_import_s: Number(second.secs.toFixed(2)) };
      } finally {
        await server.stop();
      }
    }
    console.log(JSON.stringify({ bench: 'import', rows, target_s: 30, drivers: figures }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
