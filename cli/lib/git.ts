// Reading a fork's git objects in bulk (reachable or not: reset-away commits still resolve by hash)
// through long-lived `git cat-file --batch` and `git diff-tree --stdin`, a few processes in all.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitObject {
  name: string;
  oid: string | null;
  type: string | null;
  content: Buffer | null;
  ambiguous: boolean;
}

/** Runs git in `repo`; null when it fails (not a repository, no such ref). */
export async function git(repo: string, args: string[]): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['-C', repo, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch {
    return null;
  }
}

export async function isGitRepo(repo: string): Promise<boolean> {
  return (await git(repo, ['rev-parse', '--git-dir'])) !== null;
}

/** Feeds `input` to a git command and returns all of its stdout. */
function pipe(repo: string, args: string[], input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repo, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git ${args.join(' ')} failed (${code}): ${err.trim()}`)),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Looks up object names (`abc1234`, `<oid>:train.py`) in one `git cat-file --batch` run. */
export async function catFiles(repo: string, names: string[], withContent = true): Promise<GitObject[]> {
  if (names.length === 0) return [];
  const out = await pipe(repo, ['cat-file', withContent ? '--batch' : '--batch-check'], names.map((n) => `${n}\n`).join(''));
  const objects: GitObject[] = [];
  let pos = 0;
  for (const name of names) {
    const nl = out.indexOf(10, pos);
    const header = out.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous') || header.endsWith(' dangling') || !/^[0-9a-f]{40,64} /.test(header)) {
      objects.push({ name, oid: null, type: null, content: null, ambiguous: header.endsWith(' ambiguous') });
      continue;
    }
    const [oid, type, size] = header.split(' ');
    let content: Buffer | null = null;
    if (withContent) {
      content = out.subarray(pos, pos + Number(size));
      pos += Number(size) + 1;
    }
    objects.push({ name, oid, type, content, ambiguous: false });
  }
  return objects;
}

export interface CommitInfo {
  oid: string;
  parent: string | null;
  committedAt: string | null;
  tree: string;
}

/** Resolves (possibly short, possibly unreachable) commit hashes; missing ones map to null. */
export async function resolveCommits(repo: string, hashes: string[]): Promise<Map<string, CommitInfo | null>> {
  const unique = [...new Set(hashes)];
  const objs = await catFiles(
    repo,
    unique.map((h) => `${h}^{commit}`),
  );
  const result = new Map<string, CommitInfo | null>();
  unique.forEach((h, i) => {
    const o = objs[i];
    if (!o.oid || o.type !== 'commit' || !o.content) return result.set(h, null);
    const text = o.content.toString('utf8');
    const parent = /^parent ([0-9a-f]+)$/m.exec(text)?.[1] ?? null;
    const tree = /^tree ([0-9a-f]+)$/m.exec(text)?.[1] ?? '';
    const committer = /^committer .* (\d+) ([+-]\d{4})$/m.exec(text);
    const committedAt = committer ? new Date(Number(committer[1]) * 1000).toISOString().replace('.000Z', 'Z') : null;
    result.set(h, { oid: o.oid, parent, committedAt, tree });
  });
  return result;
}

/** The unified diff of `path` for each commit against its first parent, in one `git diff-tree --stdin`. */
export async function diffsAgainstParent(repo: string, commits: string[], path: string): Promise<Map<string, string>> {
  const unique = [...new Set(commits)];
  const result = new Map<string, string>();
  if (unique.length === 0) return result;
  const out = (
    await pipe(
      repo,
      ['diff-tree', '--stdin', '-p', '--root', '--no-color', '--no-ext-diff', '--full-index', '--', path],
      unique.map((c) => `${c}\n`).join(''),
    )
  ).toString('utf8');
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current !== null && lines.length > 0) result.set(current, `${lines.join('\n')}\n`);
  };
  for (const line of out.split('\n')) {
    if (/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(line)) {
      flush();
      current = line;
      lines = [];
    } else if (current !== null && (lines.length > 0 || line !== '')) lines.push(line);
  }
  flush();
  for (const [k, v] of result) result.set(k, v.replace(/\n+$/, '\n'));
  return result;
}

export async function currentBranch(repo: string): Promise<string | null> {
  const out = await git(repo, ['symbolic-ref', '--short', '-q', 'HEAD']);
  return out?.trim() || null;
}

export async function rootCommit(repo: string): Promise<string | null> {
  const out = await git(repo, ['rev-list', '--max-parents=0', 'HEAD']);
  return out?.trim().split('\n').sort()[0] || null;
}

export async function remoteUrl(repo: string): Promise<string | null> {
  const out = await git(repo, ['remote', 'get-url', 'origin']);
  return out?.trim() || null;
}

export async function topLevel(repo: string): Promise<string | null> {
  const out = await git(repo, ['rev-parse', '--show-toplevel']);
  return out?.trim() || null;
}
