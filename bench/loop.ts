// Loop benchmark: `crossfork run` against a real server, a fake model answering after L seconds
// and a stand-in training command taking T seconds; the pipelined loop (next proposal prepared
// while training) against the sequential one (--no-pipeline), measured in the same run.
//   npm run bench -- loop [--train-s 3] [--latency-s 1.5] [--experiments 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../test/helpers/server-process.ts';
import { crossfork, newHome } from '../test/helpers/cli.ts';
import { startFakeOpenAI } from '../test/helpers/fake-openai.ts';
import { fakeTrainer, makeLoopRepo, setConstant } from '../test/helpers/loop-fixtures.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
type Model = Awaited<ReturnType<typeof startFakeOpenAI>>;

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'train-s': { type: 'string', default: '3' },
      'latency-s': { type: 'string', default: '1.5' },
      experiments: { type: 'string', default: '5' },
    },
  });
  const T = Number(values['train-s']);
  const L = Number(values['latency-s']);
  const n = Number(values.experiments);
  const dataDir = mkdtempSync(join(tmpdir(), 'crossfork-bench-loop-'));
  const server = await startServer({ CROSSFORK_DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'warn' }, 60_000);
  const model = await startFakeOpenAI();
  console.log(`loop: ${n} experiments, training ${T} s each, model latency ${L} s`);
  const results: Record<string, any> = {};
  try {
    for (const mode of ['sequential', 'pipelined'] as const) results[mode] = await runMode(mode, server, model, { T, L, n });
    const s = results.sequential;
    const p = results.pipelined;
    console.log(
      `pipelined / sequential: wall ${(p.wall_seconds / s.wall_seconds).toFixed(2)}×, duty cycle ${(p.duty_cycle / s.duty_cycle).toFixed(2)}×`,
    );
    console.log(
      JSON.stringify({
        bench: 'loop',
        train_s: T,
        latency_s: L,
        experiments: n,
        sequential: { wall_s: s.wall_seconds, duty_cycle: s.duty_cycle },
        pipelined: { wall_s: p.wall_seconds, duty_cycle: p.duty_cycle },
      }),
    );
  } finally {
    await server.stop();
    await model.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One `crossfork run` of `n` experiments in a fresh repo and home; returns its --json summary. */
async function runMode(mode: 'sequential' | 'pipelined', server: Server, model: Model, { T, L, n }: { T: number; L: number; n: number }) {
  const repo = makeLoopRepo();
  const home = newHome();
  await crossfork(['init', '--yes'], { home, server: server.url });
  // Alternate a better depth and a worse learning rate, so half the experiments are kept.
  for (let i = 0; i < 2 * n + 2; i++) {
    const answer =
      i % 2 === 0
        ? setConstant('DEPTH', String(9 + i), `DEPTH ${9 + i}`)
        : setConstant('LR', String(0.06 + i / 100), `LR ${0.06 + i / 100}`);
    model.chat.push(answer, { latencyMs: L * 1000 });
  }
  const args = [
    'run',
    '--repo',
    repo,
    '--model',
    'bench',
    '--base-url',
    model.url,
    '--max-experiments',
    String(n),
    '--train-cmd',
    fakeTrainer(T),
    '--json',
    '--device',
    'NVIDIA H100 80GB HBM3',
    '--memory-mb',
    '81559',
    '--accelerator',
    'cuda',
  ];
  const out = await crossfork(mode === 'sequential' ? [...args, '--no-pipeline'] : args, {
    home,
    server: server.url,
    timeoutMs: 600_000,
  });
  if (out.code !== 0) throw new Error(`${mode}: crossfork run exited ${out.code}: ${out.stderr}`);
  model.chat.clear();
  console.log(
    `  ${mode.padEnd(10)} wall ${out.json.wall_seconds.toFixed(1)} s, training ${out.json.training_seconds.toFixed(1)} s, duty cycle ${(100 * out.json.duty_cycle).toFixed(1)}%`,
  );
  return out.json;
}
