// Entry point: runs the command, prints its result (text, or one JSON document with --json) and is
// the only place that exits: 0 success, 1 expected failure (one line), 2 usage error.
import { parse, makeContext } from './cli.ts';
import { CliError } from './lib/errors.ts';

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const parsed = parse(argv, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
    if (!parsed) return 0;
    const ctx = makeContext(parsed.global);
    const res = await parsed.run(ctx);
    if (ctx.json) process.stdout.write(`${JSON.stringify(res.data)}\n`);
    else if (res.text) process.stdout.write(res.text.endsWith('\n') ? res.text : `${res.text}\n`);
    return res.exitCode ?? 0;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`crossfork: ${err.message}\n`);
      if (err.exitCode === 2) process.stderr.write('Run `crossfork --help` (or `crossfork <command> --help`) for usage.\n');
      if (json) process.stdout.write(`${JSON.stringify({ error: err.message, exit_code: err.exitCode })}\n`);
      return err.exitCode;
    }
    process.stderr.write(`crossfork: unexpected error (a bug; please report it):\n${(err as Error)?.stack ?? err}\n`);
    return 70;
  }
}

// `crossfork program | head`: a reader that went away is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
