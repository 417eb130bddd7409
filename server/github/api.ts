// Typed calls over the GraphQL documents: a user's public keys, a page of forks, a fork's
// public log. Missing users and repositories come back as null, never as errors.
import type { GithubClient } from './client.ts';
import { FORKS_PAGE, PUBLIC_LOG, USER_KEYS } from './queries.ts';

export interface GithubFork {
  id: string;
  nameWithOwner: string;
  name: string;
  url: string;
  owner: string;
  pushedAt: string | null;
  stars: number;
  forkCount: number;
  isPrivate: boolean;
  defaultBranch: string | null;
  headOid: string | null;
  headCommittedAt: string | null;
}

export interface ForksPage {
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
  forks: GithubFork[];
}

export interface BlobText {
  text: string | null;
  byteSize: number;
  isTruncated: boolean;
  isBinary: boolean | null;
}

export interface PublicLogFiles {
  results: BlobText | null;
  prepare: BlobText | null;
}

/** The keys GitHub lists for a user (`ssh-ed25519 AAAA…`, no comment), or null when no such user. */
export async function userPublicKeys(client: GithubClient, login: string): Promise<string[] | null> {
  const keys: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    type Answer = {
      user: { publicKeys: { nodes: { key: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null;
    };
    const data: Answer = await client.query<Answer>(USER_KEYS, { login, after });
    if (!data.user) return null;
    keys.push(...data.user.publicKeys.nodes.map((n) => n.key));
    if (!data.user.publicKeys.pageInfo.hasNextPage) break;
    after = data.user.publicKeys.pageInfo.endCursor;
  }
  return keys;
}

/** One page of a repository's direct forks; null when the repository does not exist (or is hidden). */
export async function forksPage(
  client: GithubClient,
  owner: string,
  name: string,
  after: string | null,
  first = 100,
): Promise<ForksPage | null> {
  type Node = {
    id: string;
    nameWithOwner: string;
    name: string;
    url: string;
    owner: { login: string };
    pushedAt: string | null;
    stargazerCount: number;
    forkCount: number;
    isPrivate: boolean;
    defaultBranchRef: { name: string; target: { oid?: string; committedDate?: string } | null } | null;
  };
  type Answer = {
    repository: {
      forks: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: (Node | null)[] };
    } | null;
  };
  const data = await client.query<Answer>(FORKS_PAGE, { owner, name, after, first });
  if (!data.repository) return null;
  const f = data.repository.forks;
  return {
    totalCount: f.totalCount,
    hasNextPage: f.pageInfo.hasNextPage,
    endCursor: f.pageInfo.endCursor,
    forks: f.nodes
      .filter((n): n is Node => n !== null)
      .map((n) => ({
        id: n.id,
        nameWithOwner: n.nameWithOwner,
        name: n.name,
        url: n.url,
        owner: n.owner.login,
        pushedAt: n.pushedAt,
        stars: n.stargazerCount,
        forkCount: n.forkCount,
        isPrivate: n.isPrivate,
        defaultBranch: n.defaultBranchRef?.name ?? null,
        headOid: n.defaultBranchRef?.target?.oid ?? null,
        headCommittedAt: n.defaultBranchRef?.target?.committedDate ?? null,
      })),
  };
}

/** results.tsv and prepare.py at a commit; null when the repository is gone. */
export async function publicLogFiles(client: GithubClient, owner: string, name: string, oid: string): Promise<PublicLogFiles | null> {
  type Answer = {
    repository: { results: BlobText | Record<string, never> | null; prepare: BlobText | Record<string, never> | null } | null;
  };
  const data = await client.query<Answer>(PUBLIC_LOG, { owner, name, results: `${oid}:results.tsv`, prepare: `${oid}:prepare.py` });
  if (!data.repository) return null;
  const blob = (b: BlobText | Record<string, never> | null) => (b && 'byteSize' in b ? (b as BlobText) : null);
  return { results: blob(data.repository.results), prepare: blob(data.repository.prepare) };
}
