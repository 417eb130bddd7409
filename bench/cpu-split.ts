// Where a bench's CPU went (Linux): user + system seconds of the server processes, PostgreSQL's
// backends and this bench process over a window, read from /proc. Null elsewhere.
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSplit {
  servers: number;
  postgres: number;
  bench: number;
}

const TICKS = 100; // USER_HZ on Linux

function cpuOf(pid: number | string): { comm: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm, seconds: (Number(f[11]) + Number(f[12])) / TICKS };
  } catch {
    return null;
  }
}

function snapshot(serverPids: number[]): Map<string, { group: keyof CpuSplit; seconds: number }> {
  const out = new Map<string, { group: keyof CpuSplit; seconds: number }>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  for (const pid of pids) {
    const c = cpuOf(pid);
    if (!c) continue;
    const group = serverPids.includes(Number(pid))
      ? 'servers'
      : Number(pid) === process.pid
        ? 'bench'
        : c.comm === 'postgres'
          ? 'postgres'
          : null;
    if (group) out.set(pid, { group, seconds: c.seconds });
  }
  return out;
}

/** Starts measuring; the returned function gives the CPU seconds spent since, per group. */
export function measureCpu(serverPids: number[]): () => CpuSplit | null {
  if (process.platform !== 'linux') return () => null;
  const before = snapshot(serverPids);
  return () => {
    const after = snapshot(serverPids);
    const split: CpuSplit = { servers: 0, postgres: 0, bench: 0 };
    for (const [pid, a] of after) split[a.group] += a.seconds - (before.get(pid)?.seconds ?? 0);
    for (const k of Object.keys(split) as (keyof CpuSplit)[]) split[k] = Number(split[k].toFixed(1));
    return split;
  };
}
