// The fork a record comes from: an opaque stable id (hash of the origin URL, else of the root commit
// and the checkout's path), the branch, and a URL only when the user chooses to publish it.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { RecordPayload } from '../../server/protocol/record.schema.ts';
import { currentBranch, remoteUrl, rootCommit } from './git.ts';

export type Fork = RecordPayload['fork'];

export async function describeFork(repo: string, flags: { forkId?: string; forkUrl?: string; branch?: string } = {}): Promise<Fork> {
  const url = flags.forkUrl ?? null;
  const branch = flags.branch ?? (await currentBranch(repo));
  if (flags.forkId) return { id: flags.forkId, branch, url };
  const origin = await remoteUrl(repo);
  const basis = origin
    ? `origin:${origin.replace(/\.git$/, '').replace(/\/+$/, '')}`
    : `local:${(await rootCommit(repo)) ?? ''}:${resolve(repo)}`;
  return { id: createHash('sha256').update(basis).digest('hex').slice(0, 32), branch, url };
}
