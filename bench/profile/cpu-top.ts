// Reads V8 CPU profiles (`--cpu-prof`) and prints where the time went in the last N seconds of
// each: self time by function and by source file, for a profile table in a note.
//   npx tsx bench/profile/cpu-top.ts <dir or .cpuprofile> [--last 30] [--top 25]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = process.cwd();

function label(n: Node): { fn: string; file: string } {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const file = url
    ? relative(ROOT, url).replace(/^node_modules\/(\.pnpm\/)?((@[^/]+\/)?[^/]+).*/, 'node_modules/$2')
    : `(${n.callFrame.functionName || 'native'})`;
  return { fn: `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`, file };
}

export function summarise(p: Profile, lastS: number) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const from = p.endTime - lastS * 1e6;
  const selfFn = new Map<string, number>();
  const selfFile = new Map<string, number>();
  // Each sample charged to the nearest frame in our own code (server/, cli/): which of our
  // functions the time was spent under, libraries and the runtime included.
  const ours = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownerOf = (id: number): string => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (/^(server|cli)\//.test(l.file)) return l.fn;
    }
    return '(outside our code)';
  };
  let t = p.startTime;
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    if (t < from) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    const n = byId.get(p.samples[i])!;
    const { fn, file } = label(n);
    total += dt;
    if (n.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    selfFn.set(fn, (selfFn.get(fn) ?? 0) + dt);
    selfFile.set(file, (selfFile.get(file) ?? 0) + dt);
    const o = ownerOf(n.id);
    ours.set(o, (ours.get(o) ?? 0) + dt);
  }
  return { total, idle, selfFn, selfFile, ours };
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { last: { type: 'string', default: '30' }, top: { type: 'string', default: '25' } },
  });
  const path = positionals[0];
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(path, f))
    : [path];
  for (const f of files) {
    const s = summarise(JSON.parse(readFileSync(f, 'utf8')), Number(values.last));
    const busy = s.total - s.idle;
    console.log(`\n${f}: last ${values.last} s, busy ${(busy / 1e6).toFixed(1)} s of ${(s.total / 1e6).toFixed(1)} s`);
    const top = (m: Map<string, number>, k: number) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([name, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(2).padStart(6)} s  ${name}`);
    console.log('self time by file:');
    console.log(top(s.selfFile, 15).join('\n'));
    console.log('time under our nearest function (server/, cli/):');
    console.log(top(s.ours, 15).join('\n'));
    console.log('self time by function:');
    console.log(top(s.selfFn, Number(values.top)).join('\n'));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
