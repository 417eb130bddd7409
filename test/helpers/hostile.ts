// Hostile-input properties (fast-check) over the write and check endpoints: generated and
// mutated inputs must never produce a 5xx, and nothing refused may be stored. Shared by the
// CI test (a few thousand cases) and `npm run bench -- fuzz` (≥ 10,000).
import fc from 'fast-check';
import { canonicalJson } from '../../server/protocol/canonical.ts';
import { CLAIM_SCHEMA } from '../../server/protocol/claim.schema.ts';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';
import { envelope, HARNESS_ID, makePayload, newSigner, type TestSigner } from './records.ts';

export interface Target {
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Rows that writes could have created (records + claims). */
  stored(): Promise<number>;
  now(): Date;
}

export interface HostileProperty {
  name: string;
  property: (t: Target) => fc.IAsyncProperty<any>;
}

const WRITE_PATHS = ['/v1/records', '/v1/records/batch', '/v1/claims', '/v1/keys', '/v1/ideas/check'] as const;

/** Strings that break naive code: NUL, lone surrogates, control and RTL characters, huge runs. */
export const nastyString = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 64 }), weight: 4 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 32 }).map((cs) => String.fromCharCode(...cs)), weight: 4 }, // lone surrogates
  {
    arbitrary: fc.constantFrom(
      '',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udfff',
      '\u202e',
      '<script>alert(1)</script>',
      "'; DROP TABLE records; --",
      '%00',
      '\r\n',
    ),
    weight: 4,
  },
  { arbitrary: fc.integer({ min: 1_000, max: 1_200_000 }).map((n) => 'x'.repeat(n)), weight: 1 }, // over the field and body limits
);

/** Any JSON-ish value, including wrong types, extremes and nasty strings. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, false, 0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 21, 20.000001, 1e21),
  fc.double(),
  fc.jsonValue({ maxDepth: 4 }),
  // Deeper bodies are tested as raw text (fast-check's reporter recurses on values).
  fc.integer({ min: 1, max: 400 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d))),
);

function leafPaths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  return [prefix, ...Object.entries(v as object).flatMap(([k, x]) => leafPaths(x, [...prefix, k]))];
}

/** A copy of `obj` with the value at `path` replaced (or deleted when `value` is the DELETE marker). */
export const DELETE = Symbol('delete');
function setPath(obj: any, path: string[], value: unknown): any {
  if (path.length === 0) return value === DELETE ? undefined : value;
  const copy = Array.isArray(obj) ? [...obj] : { ...obj };
  const [head, ...rest] = path;
  if (rest.length === 0 && value === DELETE) delete copy[head];
  else copy[head] = setPath(copy[head], rest, value);
  return copy;
}

const json = (path: string, body: unknown): [string, RequestInit] => [
  path,
  { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
];

async function send(t: Target, path: string, init: RequestInit): Promise<number> {
  const res = await t.request(path, init);
  await res.arrayBuffer();
  if (res.status >= 500) throw new Error(`${path} answered ${res.status}`);
  return res.status;
}

function claimPayload(t: Target) {
  return {
    schema: CLAIM_SCHEMA,
    created_at: t.now().toISOString(),
    description: 'raise matrix LR to 0.06',
    diff: null,
    harness_id: HARNESS_ID,
    hardware: makePayload().hardware,
    ttl_s: 600,
  };
}

export function hostileProperties(signer: TestSigner = newSigner('fuzz')): HostileProperty[] {
  const recordPaths = leafPaths(makePayload()).filter((p) => p.length > 0);
  const claimPaths = leafPaths({ ...claimPayload({ now: () => new Date() } as Target) }).filter((p) => p.length > 0);
  const mutation = (paths: string[][]) => fc.record({ path: fc.constantFrom(...paths), value: fc.oneof(nastyValue, fc.constant(DELETE)) });

  return [
    {
      name: 'arbitrary JSON bodies to every write endpoint',
      property: (t) =>
        fc.asyncProperty(fc.constantFrom(...WRITE_PATHS), nastyValue, async (path, body) => {
          const before = await t.stored();
          expect4xxOr2xx(await send(t, ...json(path, body)), path);
          if ((await t.stored()) !== before) throw new Error(`${path} stored something from ${JSON.stringify(body)?.slice(0, 200)}`);
        }),
    },
    {
      name: 'record fields changed after signing are refused, nothing stored',
      property: (t) =>
        fc.asyncProperty(mutation(recordPaths), async ({ path, value }) => {
          const env = envelope(makePayload(), signer);
          const mutated = setPath(env.payload, path, value);
          fc.pre(mutated !== undefined && canonicalOrNull(mutated) !== canonicalOrNull(env.payload));
          const before = await t.stored();
          const status = await send(t, ...json('/v1/records', { ...env, payload: mutated }));
          if (status < 400) throw new Error(`a payload changed after signing was accepted (${path.join('.')})`);
          if ((await t.stored()) !== before) throw new Error('a refused record was stored');
        }),
    },
    {
      name: 'generated record payloads, signed: never a 5xx; refused ones not stored',
      property: (t) =>
        fc.asyncProperty(fc.array(mutation(recordPaths), { minLength: 1, maxLength: 4 }), async (muts) => {
          let payload: any = makePayload();
          for (const m of muts) payload = setPath(payload, m.path, m.value);
          fc.pre(payload !== undefined);
          const before = await t.stored();
          const status = await send(t, ...json('/v1/records', signAnyway(payload, signer)));
          const after = await t.stored();
          if (status >= 400 && after !== before) throw new Error('a refused record was stored');
          if (status === 201 && after !== before + 1) throw new Error('a created record was not stored');
        }),
    },
    {
      name: 'truncated or damaged bytes of a valid request',
      property: (t) =>
        fc.asyncProperty(
          fc.oneof(
            fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
            fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
            fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
          ),
          async (damage) => {
            const env = envelope(makePayload(), signer);
            const bytes = Buffer.from(JSON.stringify(env));
            const at = damage.at % bytes.length;
            let body: Buffer;
            if (damage.kind === 'truncate') body = bytes.subarray(0, at);
            else if (damage.kind === 'flip') (body = Buffer.from(bytes))[at] ^= damage.bits;
            else body = Buffer.concat([bytes.subarray(0, at), damage.bytes, bytes.subarray(at)]);
            const before = await t.stored();
            const status = await send(t, '/v1/records', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
            // A damaged byte can land where it changes nothing signed (the key's comment, say).
            if (status < 400) return;
            if ((await t.stored()) !== before) throw new Error('a refused body was stored');
          },
        ),
    },
    {
      name: 'batches mixing good and hostile items store exactly the created ones',
      property: (t) =>
        fc.asyncProperty(fc.array(fc.option(mutation(recordPaths), { nil: null }), { minLength: 1, maxLength: 12 }), async (items) => {
          const records = items.map((m) => {
            const env = envelope(makePayload(), signer);
            return m ? { ...env, payload: setPath(env.payload, m.path, m.value) } : env;
          });
          const before = await t.stored();
          const res = await t.request(...json('/v1/records/batch', { records }));
          if (res.status >= 500) throw new Error(`batch answered ${res.status}`);
          const body = (await res.json()) as { results?: { status: string }[] };
          const created = res.status === 200 ? body.results!.filter((r) => r.status === 'created').length : 0;
          if ((await t.stored()) !== before + created)
            throw new Error(`batch stored ${(await t.stored()) - before}, reported ${created} created`);
        }),
    },
    {
      name: 'claim fields changed after signing are refused, nothing stored',
      property: (t) =>
        fc.asyncProperty(mutation(claimPaths), async ({ path, value }) => {
          const payload = claimPayload(t);
          const env = envelope(payload, signer);
          const mutated = setPath(env.payload, path, value);
          fc.pre(mutated !== undefined && canonicalOrNull(mutated) !== canonicalOrNull(payload));
          const before = await t.stored();
          const status = await send(t, ...json('/v1/claims', { ...env, payload: mutated }));
          if (status < 400) throw new Error(`a claim changed after signing was accepted (${path.join('.')})`);
          if ((await t.stored()) !== before) throw new Error('a refused claim was stored');
        }),
    },
    {
      name: 'the results.tsv parser accounts for every line of any text and never throws',
      property: () =>
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              nastyString.filter((x) => x.length < 5000),
              fc.constantFrom(
                'commit\tval_bpb\tmemory_gb\tstatus\tdescription',
                'a1b2c3d\t0.997900\t44.0\tkeep\tbaseline',
                'a1b2c3d\t0.000000\t0.0\tcrash\tOOM',
                '---',
                '',
              ),
            ),
            { maxLength: 30 },
          ),
          async (lines) => {
            const { rows, problems } = parseResultsTsv(lines.join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]));
            for (const r of rows) {
              if (!['keep', 'discard', 'crash'].includes(r.status)) throw new Error(`status ${r.status}`);
              if (r.val_bpb !== null && !(Number.isFinite(r.val_bpb) && r.val_bpb > 0)) throw new Error(`val_bpb ${r.val_bpb}`);
              if (r.status === 'crash' && r.val_bpb !== null) throw new Error('a crash with a val_bpb');
            }
            for (const p of problems) if (!p.reason || !(p.line >= 1)) throw new Error('a problem without a reason or line');
          },
        ),
    },
    {
      name: 'check requests with hostile fields never fail the server',
      property: (t) =>
        fc.asyncProperty(
          fc.record(
            {
              description: nastyValue,
              diff: fc.option(nastyValue),
              hardware: fc.option(nastyValue),
              harness_id: fc.option(nastyValue),
              limit: fc.option(nastyValue),
            },
            { requiredKeys: [] },
          ),
          async (body) => {
            const status = await send(t, ...json('/v1/ideas/check', body));
            expect4xxOr2xx(status, '/v1/ideas/check');
          },
        ),
    },
  ];
}

/** Signs the canonical bytes, or (for what JCS refuses, e.g. lone surrogates) the plain JSON. */
function signAnyway(payload: unknown, signer: TestSigner) {
  try {
    return envelope(payload as object, signer);
  } catch {
    return { payload, signature: signer.sign(Buffer.from(JSON.stringify(payload))), public_key: signer.publicKey };
  }
}

/** The canonical form of `v` as the server receives it (after JSON, where Infinity becomes null), or null. */
function canonicalOrNull(v: unknown): string | null {
  try {
    const wire = JSON.stringify(v);
    return wire === undefined ? null : canonicalJson(JSON.parse(wire));
  } catch {
    return null;
  }
}

function expect4xxOr2xx(status: number, path: string) {
  if (status >= 500 || status < 200) throw new Error(`${path} answered ${status}`);
}
