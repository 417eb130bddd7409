// The command line: commander parses, each command is loaded lazily from commands/ and returns
// data; nothing here prints or exits (index.ts does). The commands themselves are data (command-table.ts).
import { Command, CommanderError, Option } from 'commander';
import { COMMANDS, PARENTS, PROGRAM_EXAMPLES, type CommandSpec, type OptionSpec } from './command-table.ts';
import { CliCommand } from './options.ts';
import { CliError } from './lib/errors.ts';
import { VERSION } from './lib/version.ts';
import { makeContext, type Context } from './lib/context.ts';
import type { CommandResult } from './lib/result.ts';

type Run = (ctx: Context) => Promise<CommandResult>;
type Opts = Record<string, any>;
type Io = { out: (s: string) => void; err: (s: string) => void };

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** Parses argv and returns the command to run, or null when commander printed help. Throws CliError(2) on usage errors. */
export function parse(argv: string[], io: Io): { run: Run; global: Opts } | null {
  let chosen: { run: Run; global: Opts } | null = null;
  const program = topLevel(io);
  const parents = new Map<string, Command>();
  for (const spec of COMMANDS) {
    const parent = spec.parent ? parentCommand(program, parents, spec.parent) : program;
    declare(parent, spec).action((...a: any[]) => {
      const self = a[a.length - 1] as Command;
      const args = a.slice(0, -2);
      const opts = self.opts();
      chosen = { global: program.opts(), run: async (ctx) => (await spec.load()).default(ctx, args, opts) };
    });
  }

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return null;
      throw new CliError(err.message.replace(/^error: /, ''), 2);
    }
    throw err;
  }
  if (!chosen) {
    io.out(program.helpInformation());
    return null;
  }
  return chosen;
}

/** `crossfork` itself: the options every command takes, --version, and output through `io`. */
function topLevel(io: Io): CliCommand {
  return new CliCommand('crossfork')
    .description("Share your autoresearch experiments as signed records, and consult everyone else's before the next one.")
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--server <url>', 'crossfork server (default: $CROSSFORK_SERVER, then config, then http://127.0.0.1:8787)')
    .option('-q, --quiet', 'no progress or notes on stderr')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showSuggestionAfterError()
    .addHelpText('after', examples(PROGRAM_EXAMPLES));
}

/** A group command (`github`), made where its first subcommand is, so --help keeps the table's order. */
function parentCommand(program: Command, made: Map<string, Command>, name: keyof typeof PARENTS): Command {
  let parent = made.get(name);
  if (!parent) made.set(name, (parent = program.command(name).description(PARENTS[name])));
  return parent;
}

/** One command of the table, as commander declares it. */
function declare(parent: Command, spec: CommandSpec): Command {
  const cmd = parent.command(spec.name).description(spec.description);
  if (spec.argument) cmd.argument(...spec.argument);
  for (const o of spec.options ?? []) addOption(cmd, o);
  return cmd.addHelpText('after', examples(spec.examples));
}

function addOption(cmd: Command, o: OptionSpec): void {
  if (typeof o === 'function') o(cmd);
  else if ('flags' in o) {
    const option = new Option(o.flags, o.help).choices(o.choices);
    cmd.addOption(o.default === undefined ? option : option.default(o.default));
  } else cmd.option(...o);
}

export { makeContext };
