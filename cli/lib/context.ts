// What every command gets: CROSSFORK_HOME and its config, the server client, the outbox, and
// stderr for logs and progress (stdout is the printer's alone).
import { ApiClient } from './api-client.ts';
import { crossforkHome, readConfig, serverUrl, type Config } from './config.ts';
import { Outbox, queuedMessage, type DeliveryReport } from './outbox.ts';

export interface GlobalOptions {
  json?: boolean;
  server?: string;
  quiet?: boolean;
}

export interface Context {
  home: string;
  config: Config;
  json: boolean;
  server: string;
  client: ApiClient;
  outbox: Outbox;
  /** A line for the human on stderr (suppressed by --quiet). */
  log(line: string): void;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Delivers what earlier commands left queued; returns null when the outbox was empty. */
  flushOutbox(): Promise<DeliveryReport | null>;
}

export function makeContext(opts: GlobalOptions, env = process.env): Context {
  const home = crossforkHome(env);
  const config = readConfig(home);
  const server = serverUrl(config, opts.server, env);
  const client = new ApiClient(server);
  const outbox = new Outbox(home);
  const stderr = process.stderr;
  const log = (line: string) => {
    if (!opts.quiet) stderr.write(`${line}\n`);
  };
  return {
    home,
    config,
    json: Boolean(opts.json),
    server,
    client,
    outbox,
    log,
    stderr,
    async flushOutbox() {
      if (outbox.pending() === 0) return null;
      const report = await outbox.deliver(client);
      const sent = report.created + report.duplicate;
      if (sent > 0) log(`delivered ${sent} queued record${sent === 1 ? '' : 's'} from the outbox`);
      for (const r of report.rejected)
        log(`the server refused queued record ${r.id.slice(0, 12)} (${r.description.slice(0, 60)}): ${r.reason}`);
      const msg = queuedMessage(report);
      if (msg) log(msg);
      return report;
    },
  };
}
