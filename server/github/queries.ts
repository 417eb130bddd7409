// Every GraphQL document crossfork sends to GitHub (test/server/github/queries.test.ts validates
// each against GitHub's public schema). Each asks for `rateLimit` so the client can pace itself.
const RATE = 'rateLimit { cost remaining resetAt }';

/** A user's public SSH keys (one page; users rarely have more than 100). */
export const USER_KEYS = `query UserKeys($login: String!, $after: String) {
  user(login: $login) {
    login
    publicKeys(first: 100, after: $after) {
      nodes { key }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${RATE}
}`;

/** One page of a repository's direct forks, oldest first (a stable order to resume a cursor in). */
export const FORKS_PAGE = `query ForksPage($owner: String!, $name: String!, $after: String, $first: Int!) {
  repository(owner: $owner, name: $name) {
    forks(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        nameWithOwner
        name
        url
        owner { login }
        pushedAt
        stargazerCount
        forkCount
        isPrivate
        defaultBranchRef {
          name
          target { ... on Commit { oid committedDate } }
        }
      }
    }
  }
  ${RATE}
}`;

/** A fork's public log at one commit: results.tsv, and prepare.py (its SHA-256 is the harness id). */
export const PUBLIC_LOG = `query PublicLog($owner: String!, $name: String!, $results: String!, $prepare: String!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    results: object(expression: $results) { ... on Blob { text byteSize isTruncated isBinary } }
    prepare: object(expression: $prepare) { ... on Blob { text byteSize isTruncated isBinary } }
  }
  ${RATE}
}`;

export const DOCUMENTS = { USER_KEYS, FORKS_PAGE, PUBLIC_LOG } as const;
