// `crossfork whoami` / `crossfork doctor`: the signing key and its fingerprint, the GitHub link, the
// machine profile and the hardware class the server derives from it, the fork's harness, the
// server and its health, the outbox. `doctor` exits 1 when something is not ready.
import { join } from 'node:path';
import { hardwareClass } from '../../server/protocol/hardware-class.ts';
import { parsePublicKey } from '../../server/protocol/ssh-keys.ts';
import { ApiClient } from '../lib/api-client.ts';
import type { Context } from '../lib/context.ts';
import { resolveHarness } from '../lib/harness.ts';
import { describeMachine, machineHardware } from '../lib/profile.ts';
import { result } from '../lib/result.ts';

interface Opts {
  repo: string;
  doctor?: boolean;
}

export default async function whoami(ctx: Context, _args: unknown[], opts: Opts) {
  const problems: string[] = [];
  const key = ctx.config.key ? { ...ctx.config.key, fingerprint: parsePublicKey(ctx.config.key.public_key).fingerprint } : null;
  if (!key) problems.push('no signing key: run `crossfork init`');
  const machine = await machineHardware(ctx.config);
  if (machine.source !== 'profile')
    problems.push('no machine profile saved: commands detect the hardware each time; `crossfork init` saves (and lets you correct) it');
  const harness = resolveHarness(opts.repo);
  const localClass = hardwareClass(machine.hardware);

  // A status line, not a delivery: one try, a short timeout.
  const client = new ApiClient(ctx.server, { retries: 0, timeoutMs: Math.min(ctx.client.timeoutMs, 5000) });
  const started = performance.now();
  const health = await client.health().then(
    (h) => ({
      ok: h.status === 'ok',
      status: h.status,
      version: (h as { version?: string }).version ?? null,
      database: (h as { database?: string }).database ?? null,
      error: null as string | null,
    }),
    (e: Error) => ({ ok: false, status: null, version: null, database: null, error: e.message }),
  );
  const ms = Math.round(performance.now() - started);
  if (!health.ok)
    problems.push(health.error ? `the server is unreachable: ${health.error}` : `the server is not healthy (${health.status})`);
  const serverClass = health.error
    ? null
    : await client.hardwareClass(machine.hardware).then(
        (r) => r.hardware_class,
        () => null,
      );
  const link =
    key && !health.error
      ? await client.keys({ key: key.fingerprint }).then(
          (r) => r.keys[0] ?? null,
          () => undefined,
        )
      : undefined;
  const pending = ctx.outbox.pending();

  const data = {
    home: ctx.home,
    config: join(ctx.home, 'config.json'),
    key,
    github:
      link === undefined
        ? null
        : link
          ? { login: link.github_login, url: `https://github.com/${link.github_login}`, linked_at: link.linked_at }
          : null,
    machine: {
      hardware: machine.hardware,
      source: machine.source,
      saved_at: ctx.config.machine?.saved_at ?? null,
      via: ctx.config.machine?.via ?? null,
    },
    hardware_class: serverClass ?? localClass,
    hardware_class_from: serverClass ? 'server' : 'local',
    harness: { id: harness.id, source: harness.source, known: harness.known },
    server: { url: ctx.server, ok: health.ok, version: health.version, database: health.database, ms, error: health.error },
    outbox: { pending, dir: ctx.outbox.dir },
    problems,
  };
  const k = harness.known;
  const lines = [
    `key       ${key ? `${key.fingerprint} (${key.signer === 'ssh-keygen' ? 'ssh-keygen -Y sign' : 'in-process'}, ${key.path})` : 'none: run `crossfork init`'}`,
    `github    ${link === undefined ? (key ? 'unknown (the server did not answer)' : '–') : link ? `@${link.github_login} (https://github.com/${link.github_login}, linked ${link.linked_at.slice(0, 10)})` : 'not linked: `crossfork github link LOGIN`'}`,
    `hardware  ${describeMachine(machine.hardware)} (${machine.source === 'profile' ? `saved ${ctx.config.machine?.saved_at?.slice(0, 10) ?? ''} by crossfork init` : 'detected now; not saved'})`,
    `class     ${serverClass ?? localClass} (${serverClass ? 'as the server derives it' : 'derived here: the server did not answer'})`,
    `harness   ${k ? `${k.name} ${k.commit} (${k.date})` : harness.id.slice(0, 12)}, ${harness.source === 'assumed' ? 'assumed: no prepare.py here' : harness.source === 'prepare.py' ? 'from prepare.py' : 'from flags'}`,
    `server    ${ctx.server} ${health.ok ? `ok (${health.version ? `version ${health.version}, ` : ''}${health.database ? `${health.database}, ` : ''}${ms} ms)` : health.error ? `unreachable (${health.error})` : `not healthy (${health.status})`}`,
    `outbox    ${pending === 0 ? 'empty' : `${pending} record${pending === 1 ? '' : 's'} queued (\`crossfork sync\`)`}`,
    `config    ${join(ctx.home, 'config.json')}`,
    ...(opts.doctor ? (problems.length ? problems.map((p) => `problem:  ${p}`) : ['all good']) : []),
  ];
  return { ...result(data, lines.join('\n')), exitCode: opts.doctor && problems.length > 0 ? 1 : 0 };
}
