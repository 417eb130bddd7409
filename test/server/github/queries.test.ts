// Every GraphQL document crossfork sends must validate against GitHub's public schema
// (../shared/github/schema.graphql, kept outside the project); skipped with a message without it,
// except in CI.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSchema, parse, validate } from 'graphql';
import { DOCUMENTS } from '../../../server/github/queries.ts';
import { sharedPresent } from '../../helpers/shared.ts';

const SCHEMA_PATH = fileURLToPath(new URL('../../../../shared/github/schema.graphql', import.meta.url));
const present = sharedPresent(SCHEMA_PATH, "validating the GraphQL documents against GitHub's schema");
// GitHub's published SDL does not pass graphql-js's own SDL checks (fields defined twice, for one):
// trust it as GitHub serves it; the documents are still validated against it.

describe.skipIf(!present)('GraphQL documents against GitHub’s public schema', () => {
  const schema = present ? buildSchema(readFileSync(SCHEMA_PATH, 'utf8'), { assumeValidSDL: true, assumeValid: true }) : null;

  it.each(Object.entries(DOCUMENTS))('%s validates', (_name, doc) => {
    const errors = validate(schema!, parse(doc));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('catches a document GitHub would refuse (the check can fail)', () => {
    const bad = parse('query X($login: String!) { user(login: $login) { publicKeys(first: 1) { nodes { sshKey } } } }');
    expect(
      validate(schema!, bad)
        .map((e) => e.message)
        .join('\n'),
    ).toMatch(/Cannot query field "sshKey" on type "PublicKey"/);
  });
});
