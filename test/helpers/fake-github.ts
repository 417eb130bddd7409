// A local stand-in for GitHub's GraphQL API: POST /graphql with {query, variables} → {data, errors},
// executed by the `graphql` package over a subset of GitHub's schema, with GitHub's status codes,
// rate-limit headers and error shapes (401 bad credentials, NOT_FOUND, 403 secondary limits).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';

const SDL = `
scalar DateTime
scalar URI
scalar GitObjectID
type Query {
  user(login: String!): User
  repository(owner: String!, name: String!): Repository
  rateLimit(dryRun: Boolean = false): RateLimit
}
type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }
type PageInfo { endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String }
interface RepositoryOwner { login: String! }
type User implements RepositoryOwner { login: String! publicKeys(after: String, before: String, first: Int, last: Int): PublicKeyConnection! }
type Organization implements RepositoryOwner { login: String! }
type PublicKey { id: ID! key: String! fingerprint: String! }
type PublicKeyConnection { nodes: [PublicKey] pageInfo: PageInfo! totalCount: Int! }
enum RepositoryOrderField { CREATED_AT NAME PUSHED_AT STARGAZERS UPDATED_AT }
enum OrderDirection { ASC DESC }
input RepositoryOrder { field: RepositoryOrderField! direction: OrderDirection! }
type Repository {
  id: ID! name: String! nameWithOwner: String! url: URI! owner: RepositoryOwner! pushedAt: DateTime
  stargazerCount: Int! forkCount: Int! isPrivate: Boolean! defaultBranchRef: Ref
  forks(after: String, before: String, first: Int, last: Int, orderBy: RepositoryOrder): RepositoryConnection!
  object(expression: String, oid: GitObjectID): GitObject
}
type RepositoryConnection { nodes: [Repository] pageInfo: PageInfo! totalCount: Int! }
type Ref { name: String! target: GitObject }
interface GitObject { oid: GitObjectID! abbreviatedOid: String! }
type Commit implements GitObject { oid: GitObjectID! abbreviatedOid: String! committedDate: DateTime! }
type Blob implements GitObject {
  oid: GitObjectID! abbreviatedOid: String! byteSize: Int! isBinary: Boolean isTruncated: Boolean! text: String
}
`;
const schema = buildSchema(SDL);

export interface FakeRepo {
  owner: string;
  name: string;
  id?: string;
  stars?: number;
  pushedAt?: string;
  isPrivate?: boolean;
  branch?: string;
  head?: string;
  committedDate?: string;
  /** Files at the head commit, by path. */
  files?: Record<string, string>;
  /** OWNER/NAME of the repository it was forked from. */
  parent?: string;
}

/**
 * An injected failure for the next request of an operation (or any, with `op: '*'`), after
 * letting `skip` matching requests through. Each fault fires once.
 */
export type Fault = { op: string; skip?: number } & (
  | { kind: 'secondary-limit'; retryAfterS: number; status?: 403 | 429 }
  /** The hourly budget spent: 403 with x-ratelimit-remaining 0 and the reset time. */
  | { kind: 'primary-limit'; resetInS: number }
  | { kind: 'network' }
  | { kind: 'status'; status: number }
);

export interface FakeGithub {
  url: string;
  token: string;
  users: Map<string, string[]>;
  repos: Map<string, FakeRepo>;
  faults: Fault[];
  /** Every request that reached the handler: operation name, variables and the answer's status. */
  requests: { op: string; variables: Record<string, unknown>; status: number }[];
  rate: { limit: number; remaining: number; resetAt: Date };
  addRepo(r: FakeRepo): FakeRepo;
  close(): Promise<void>;
}

const cursorOf = (i: number) => Buffer.from(`cursor:v2:${i}`).toString('base64');
const indexOf = (c: string | null | undefined) => (c ? Number(Buffer.from(c, 'base64').toString().split(':')[2]) : -1);

export async function startFakeGithub(token = 'ghp_testtoken0000000000000000000000000000'): Promise<FakeGithub> {
  const fake: FakeGithub = {
    url: '',
    token,
    users: new Map(),
    repos: new Map(),
    faults: [],
    requests: [],
    rate: { limit: 5000, remaining: 5000, resetAt: new Date(Date.now() + 3600_000) },
    addRepo(r) {
      const repo: FakeRepo = {
        id: `R_${Buffer.from(`${r.owner}/${r.name}`).toString('base64url')}`,
        stars: 0,
        branch: 'master',
        head: null as never,
        committedDate: '2026-03-09T06:00:00Z',
        files: {},
        ...r,
      };
      repo.head ??= Buffer.from(`${r.owner}/${r.name}`).toString('hex').padEnd(40, '0').slice(0, 40);
      fake.repos.set(`${r.owner}/${r.name}`.toLowerCase(), repo);
      return repo;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const repoView = (r: FakeRepo) => ({
    __typename: 'Repository',
    id: r.id,
    name: r.name,
    nameWithOwner: `${r.owner}/${r.name}`,
    url: `https://github.com/${r.owner}/${r.name}`,
    owner: { __typename: 'User', login: r.owner },
    pushedAt: r.pushedAt ?? r.committedDate,
    stargazerCount: r.stars ?? 0,
    isPrivate: r.isPrivate ?? false,
    forkCount: [...fake.repos.values()].filter((c) => c.parent?.toLowerCase() === `${r.owner}/${r.name}`.toLowerCase()).length,
    defaultBranchRef: {
      name: r.branch,
      target: { __typename: 'Commit', oid: r.head, abbreviatedOid: r.head!.slice(0, 7), committedDate: r.committedDate },
    },
    forks: ({ first, after }: { first?: number; after?: string }) => {
      const all = [...fake.repos.values()].filter((c) => c.parent?.toLowerCase() === `${r.owner}/${r.name}`.toLowerCase());
      const start = indexOf(after) + 1;
      const page = all.slice(start, start + Math.min(first ?? 100, 100));
      const end = start + page.length - 1;
      return {
        totalCount: all.length,
        nodes: page.map(repoView),
        pageInfo: {
          hasNextPage: end + 1 < all.length,
          endCursor: page.length ? cursorOf(end) : null,
          hasPreviousPage: start > 0,
          startCursor: page.length ? cursorOf(start) : null,
        },
      };
    },
    object: ({ expression }: { expression?: string }) => {
      const m = /^([^:]+):(.+)$/.exec(expression ?? '');
      if (!m || (m[1] !== 'HEAD' && m[1] !== r.head)) return null;
      const text = r.files?.[m[2]];
      if (text === undefined) return null;
      return {
        __typename: 'Blob',
        oid: 'b'.repeat(40),
        abbreviatedOid: 'bbbbbbb',
        byteSize: Buffer.byteLength(text),
        isBinary: false,
        isTruncated: false,
        text,
      };
    },
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v4; format=json',
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/graphql')
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/graphql' });
    if (req.headers.authorization?.toLowerCase() !== `bearer ${fake.token}`) {
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/graphql', status: '401' });
    }
    let body: { query?: string; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      return send(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
    }
    const op = /\b(?:query|mutation)\s+(\w+)/.exec(body.query ?? '')?.[1] ?? '';
    const log = (status: number) => fake.requests.push({ op, variables: body.variables ?? {}, status });
    const fault = fake.faults.findIndex((f) => f.op === op || f.op === '*');
    if (fault >= 0 && (fake.faults[fault].skip ?? 0) > 0) {
      fake.faults[fault].skip! -= 1;
    } else if (fault >= 0) {
      const [f] = fake.faults.splice(fault, 1);
      if (f.kind === 'network') {
        log(0);
        return req.socket.destroy();
      }
      if (f.kind === 'status') {
        log(f.status);
        return send(f.status, { message: 'Server Error' });
      }
      if (f.kind === 'primary-limit') {
        log(403);
        const reset = Math.floor(Date.now() / 1000) + f.resetInS;
        return send(
          403,
          {
            message: 'API rate limit exceeded for user ID 1.',
            documentation_url: 'https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api',
          },
          {
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(reset),
            'x-ratelimit-used': '5000',
            'x-ratelimit-resource': 'graphql',
          },
        );
      }
      log(f.status ?? 403);
      return send(
        f.status ?? 403,
        {
          documentation_url:
            'https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api#secondary-rate-limits',
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0400:3A2B:1F2E3D:4C5B6A:67890ABC.',
        },
        { 'retry-after': String(f.retryAfterS) },
      );
    }
    fake.rate.remaining = Math.max(0, fake.rate.remaining - 1);
    const notFound: { type: string; path: string[]; locations: unknown[]; message: string }[] = [];
    const rootValue = {
      user: ({ login }: { login: string }) => {
        const keys = fake.users.get(login.toLowerCase());
        if (!keys) {
          notFound.push({
            type: 'NOT_FOUND',
            path: ['user'],
            locations: [{ line: 2, column: 3 }],
            message: `Could not resolve to a User with the login of '${login}'.`,
          });
          return null;
        }
        return {
          __typename: 'User',
          login,
          publicKeys: ({ first, after }: { first?: number; after?: string }) => {
            const start = indexOf(after) + 1;
            const page = keys.slice(start, start + (first ?? 100));
            const end = start + page.length - 1;
            return {
              totalCount: keys.length,
              nodes: page.map((key, i) => ({ id: `PK_${start + i}`, key, fingerprint: 'SHA256:unused' })),
              pageInfo: {
                hasNextPage: end + 1 < keys.length,
                endCursor: page.length ? cursorOf(end) : null,
                hasPreviousPage: start > 0,
                startCursor: null,
              },
            };
          },
        };
      },
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const r = fake.repos.get(`${owner}/${name}`.toLowerCase());
        if (!r || r.isPrivate) {
          notFound.push({
            type: 'NOT_FOUND',
            path: ['repository'],
            locations: [{ line: 2, column: 3 }],
            message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          });
          return null;
        }
        return repoView(r);
      },
      rateLimit: () => ({
        cost: 1,
        limit: fake.rate.limit,
        nodeCount: 100,
        remaining: fake.rate.remaining,
        resetAt: fake.rate.resetAt.toISOString(),
        used: fake.rate.limit - fake.rate.remaining,
      }),
    };
    const result = await graphql({ schema, source: body.query ?? '', variableValues: body.variables, rootValue });
    const headers = {
      'x-ratelimit-limit': String(fake.rate.limit),
      'x-ratelimit-remaining': String(fake.rate.remaining),
      'x-ratelimit-reset': String(Math.floor(fake.rate.resetAt.getTime() / 1000)),
      'x-ratelimit-used': String(fake.rate.limit - fake.rate.remaining),
      'x-ratelimit-resource': 'graphql',
    };
    const errors = [...(result.errors ?? []).map((e) => e.toJSON()), ...notFound];
    log(200);
    send(200, errors.length ? { data: result.data ?? null, errors } : { data: result.data }, headers);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
