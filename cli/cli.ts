// The command line: commander parses, each command is loaded lazily from commands/ and returns
// data; nothing here prints or exits (index.ts does).
import { Command, CommanderError, Option } from 'commander';
import {
  agent,
  CliCommand,
  fork,
  FORK_URL_HELP,
  forkHarness,
  hardware,
  hardwareClass,
  harness,
  idea,
  memoryUnit,
  repo,
  results,
  training,
} from './options.ts';
import { CliError } from './lib/errors.ts';
import { VERSION } from './lib/version.ts';
import { makeContext, type Context } from './lib/context.ts';
import type { CommandResult } from './lib/result.ts';

type Run = (ctx: Context) => Promise<CommandResult>;
type Opts = Record<string, any>;

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** Parses argv and returns the command to run, or null when commander printed help. Throws CliError(2) on usage errors. */
export function parse(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }): { run: Run; global: Opts } | null {
  let chosen: { run: Run; global: Opts } | null = null;
  const program = new CliCommand('crossfork')
    .description("Share your autoresearch experiments as signed records, and consult everyone else's before the next one.")
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--server <url>', 'crossfork server (default: $CROSSFORK_SERVER, then config, then http://127.0.0.1:8787)')
    .option('-q, --quiet', 'no progress or notes on stderr')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      examples([
        'crossfork init --yes',
        'crossfork whoami',
        'crossfork import',
        'crossfork check "increase MATRIX_LR to 0.05"',
        'crossfork program >> program.md',
      ]),
    );

  const on = (cmd: Command, load: () => Promise<{ default: (ctx: Context, args: any, opts: any) => Promise<CommandResult> }>) =>
    cmd.action((...a: any[]) => {
      const self = a[a.length - 1] as Command;
      const args = a.slice(0, -2);
      const opts = self.opts();
      chosen = { global: program.opts(), run: async (ctx) => (await load()).default(ctx, args, opts) };
    });

  on(
    program
      .command('init')
      .description(
        'set up this machine: the key that signs your records, and the machine profile (hardware detected, shown, corrected by you, saved for every command)',
      )
      .option(
        '-y, --yes',
        'no questions: make (or reuse) a crossfork ed25519 key and save the detected hardware (corrected by the flags below)',
      )
      .option(
        '--key <path>',
        'use this existing SSH private key; signing goes through `ssh-keygen -Y sign` (ssh-agent and passphrases work)',
      )
      .option('--github <login>', 'also link the key to this GitHub login (the key must be among https://github.com/<login>.keys)')
      .with(hardware)
      .addHelpText(
        'after',
        examples([
          'crossfork init --yes',
          'crossfork init --yes --memory-mb 12227            # correct what was detected',
          'crossfork init --key ~/.ssh/id_ed25519 --github octocat',
          'crossfork init --yes --server https://crossfork.example.org',
        ]),
      ),
    () => import('./commands/init.ts'),
  );
  for (const [name, description] of [
    ['whoami', 'show your key, fingerprint, GitHub link, machine profile, its hardware class (as the server derives it) and the server'],
    ['doctor', 'like whoami, and exit 1 when something is not ready (no key, no machine profile, server unreachable)'],
  ] as const) {
    on(
      program
        .command(name)
        .description(description)
        .with(repo('the fork checkout (for the harness)'))
        .addHelpText('after', examples([`crossfork ${name}`, `crossfork ${name} --json`])),
      () =>
        import('./commands/whoami.ts').then((m) => ({
          default: (ctx: Context, args: unknown[], opts: { repo: string }) => m.default(ctx, args, { ...opts, doctor: name === 'doctor' }),
        })),
    );
  }
  on(
    program
      .command('import')
      .description('publish every experiment of a fork: results.tsv rows with their train.py diffs from git (discarded commits too)')
      .with(repo(), results)
      .option('--dry-run', 'show what would be published; sign and send nothing')
      .with(hardware, agent('the model that ran the experiments', 'the agent tool (claude-code, codex, …)'), forkHarness)
      .option('--harness-name <name>', 'harness name', 'autoresearch')
      .option('--time-budget <s>', 'training time budget in seconds (default: TIME_BUDGET in prepare.py, else 300)')
      .with(memoryUnit('how to read the memory_gb column (default: GB, or MB when the values cannot be GB on this device)'))
      .with(fork('override the fork id (default: a hash of the origin URL or of the first commit and path)', FORK_URL_HELP))
      .addHelpText(
        'after',
        examples([
          'crossfork import',
          'crossfork import --repo ~/autoresearch --dry-run',
          'crossfork import --results old-results.tsv --harness upstream@8a5c486',
          'crossfork import --device "RTX 4090" --memory-mb 24564 --accelerator cuda --json',
        ]),
      ),
    () => import('./commands/import.ts'),
  );
  on(
    program
      .command('watch')
      .description('follow results.tsv while an agent runs its loop and publish each new row within seconds')
      .with(repo(), results)
      .option('--interval <ms>', 'how often to look at the file', '1000')
      .with(hardware, agent('the model that runs the experiments'), forkHarness)
      .with(memoryUnit('how to read the memory_gb column (default: decided against the device)'), fork())
      .addHelpText('after', examples(['crossfork watch', 'crossfork watch --repo ~/autoresearch --agent-tool codex'])),
    () => import('./commands/watch.ts'),
  );
  on(
    program
      .command('publish')
      .description('publish one experiment, from flags or from a run.log (for agents, after each experiment)')
      .with(repo())
      .option('-d, --description <text>', 'what the experiment tried')
      .addOption(
        new Option('--status <status>', 'keep | discard | crash (default: crash when the run.log has no val_bpb)').choices([
          'keep',
          'discard',
          'crash',
        ]),
      )
      .option('--val-bpb <x>', 'validation bits per byte (default: from --run-log)')
      .option('--run-log <file>', 'the run.log that train.py printed: val_bpb and the other metrics are read from it')
      .option('--commit <hash>', 'the experiment commit (default: HEAD)')
      .option('--parent-val-bpb <x>', "the parent's val_bpb (default: the best keep in results.tsv)")
      .option('--publish-short-runs', "also publish a --run-log shorter than the harness's time budget (a smoke run)")
      .with(hardware, agent('the model that ran the experiment'), forkHarness, fork())
      .addHelpText(
        'after',
        examples([
          'crossfork publish --run-log run.log --status keep -d "increase MATRIX_LR to 0.05"',
          'crossfork publish --status crash -d "double depth (OOM)"',
        ]),
      ),
    () => import('./commands/publish.ts'),
  );
  on(
    program
      .command('sync')
      .description('deliver the records queued in the outbox')
      .addHelpText('after', examples(['crossfork sync', 'crossfork sync --json'])),
    () => import('./commands/sync.ts'),
  );
  on(
    program
      .command('check')
      .description('was this idea tried, on hardware like mine, and how did it go?')
      .with(idea('the diff of train.py you are about to try'), repo('the fork checkout (for the harness id)'), hardware, harness())
      .addHelpText(
        'after',
        examples([
          'crossfork check "increase MATRIX_LR from 0.04 to 0.05"',
          'git diff train.py > /tmp/d && crossfork check "swiglu" --diff /tmp/d --json',
        ]),
      ),
    () => import('./commands/check.ts'),
  );
  on(
    program
      .command('known-bad')
      .description('ideas tried at least twice on this hardware class and never kept')
      .addOption(new Option('--format <format>', 'md (ready to paste into a prompt) or json').choices(['md', 'json']).default('md'))
      .with(repo('the fork checkout (for the harness id)'))
      .with(hardwareClass)
      .option('--all-hardware', 'every hardware class')
      .option('--limit <n>', 'at most this many ideas', '50')
      .with(hardware, harness())
      .addHelpText('after', examples(['crossfork known-bad', 'crossfork known-bad --format json --all-hardware'])),
    () => import('./commands/known-bad.ts'),
  );
  on(
    program
      .command('suggest')
      .description(
        'what to try next: ideas kept on hardware like yours (or elsewhere, never tried on your family) that this fork has not tried, with their evidence, and what to avoid',
      )
      .with(repo('the fork checkout (for the harness id and the fork id)'))
      .with(hardwareClass)
      .with(fork('the fork id its records carry (default: derived from the checkout, as import does)'))
      .option('--limit <n>', 'at most this many suggestions (1-50)', '10')
      .with(hardware, harness())
      .addHelpText('after', examples(['crossfork suggest', 'crossfork suggest --limit 5 --json'])),
    () => import('./commands/suggest.ts'),
  );
  on(
    program
      .command('leaderboard')
      .description('best val_bpb per hardware class')
      .with(repo('the fork checkout (for the harness id)'), harness('harness id (default: the harness with the most records)'))
      .addHelpText('after', examples(['crossfork leaderboard', 'crossfork leaderboard --harness upstream --json'])),
    () => import('./commands/leaderboard.ts'),
  );
  on(
    program
      .command('export')
      .description('write every visible record (signed envelopes as published, plus what the server derived) to an NDJSON file')
      .option('-o, --output <file>', 'the file to write', 'crossfork-export.ndjson')
      .option('--resume', 'continue an interrupted export of the same file after its last complete line')
      .with(hardwareClass)
      .option('--since <time>', 'only records received at or after this time (RFC 3339)')
      .option('--until <time>', 'only records received before this time')
      .with(harness('only this harness id (its equivalent upstream versions included)'))
      .addHelpText('after', examples(['crossfork export', 'crossfork export -o h100.ndjson --hardware-class "H100 80GB" --json'])),
    () => import('./commands/export.ts'),
  );
  on(
    program
      .command('claim')
      .description('reserve an idea while it trains, so other agents can see it is in flight')
      .with(idea('the diff of train.py'))
      .option('--ttl <s>', 'how long the claim lasts, ≤ 3600 s', '900')
      .with(repo('the fork checkout (for the harness id)'), hardware, harness())
      .addHelpText('after', examples(['crossfork claim "increase MATRIX_LR to 0.05" --ttl 600'])),
    () => import('./commands/claim.ts'),
  );
  on(
    program
      .command('program')
      .description('print a program.md section that tells an agent to check before and publish after each experiment')
      .addHelpText('after', examples(['crossfork program >> program.md'])),
    () => import('./commands/program.ts'),
  );
  on(
    program
      .command('mcp')
      .description(
        'an MCP server over stdio: check_idea, suggest, known_bad, leaderboard, publish_result (with the saved machine profile; flags override it)',
      )
      .with(repo('the fork checkout (default: the directory the MCP client starts it in)'), hardware, harness())
      .addHelpText(
        'after',
        examples([
          'claude mcp add crossfork -- crossfork mcp',
          'codex mcp add crossfork -- crossfork mcp',
          'claude mcp add crossfork -- crossfork mcp --repo ~/my-fork',
        ]),
      ),
    () => import('./commands/mcp.ts'),
  );
  const github = program.command('github').description('GitHub: link your key to your login');
  on(
    github
      .command('link')
      .argument('<login>', 'your GitHub login')
      .description('show your GitHub login on your records: the server checks that GitHub lists this key for you')
      .addHelpText('after', examples(['crossfork github link octocat', 'crossfork github link octocat --json'])),
    () => import('./commands/github.ts'),
  );
  on(
    program
      .command('run')
      .description(
        'run the autoresearch loop on this machine: baseline, then propose (an OpenAI-compatible model) → check → claim → commit → train → keep or reset → results.tsv → publish',
      )
      .with(repo('an autoresearch-shaped repository (train.py, prepare.py)'))
      .option('--model <name>', 'chat model that proposes changes (default: $CROSSFORK_MODEL)')
      .option('--base-url <url>', 'OpenAI-compatible API base URL (default: $OPENAI_BASE_URL; key from $OPENAI_API_KEY)')
      .option('--max-experiments <n>', 'stop after n experiments (the baseline not counted)')
      .option('--hours <h>', 'stop after h hours')
      .with(training('kill a training run after s seconds (it counts as a crash)'))
      .option('--max-asks <n>', 'times the model is asked again for one experiment (bad answers, known-bad ideas)', '5')
      .option('--no-pipeline', 'do not prepare the next proposal while an experiment trains')
      .option(
        '--replicate-every <n>',
        'after every n experiments, replicate the result most worth it on this hardware (GET /v1/replication-queue) before going on',
      )
      .option(
        '--publish-short-runs',
        "also publish runs shorter than the harness's time budget (smoke runs, CROSSFORK_TIME_BUDGET); by default they stay in results.tsv only",
      )
      .with(hardware, harness())
      .addHelpText(
        'after',
        examples([
          'crossfork run --model gpt-5 --max-experiments 20',
          'OPENAI_BASE_URL=http://localhost:11434/v1 crossfork run --model qwen3-coder --hours 8',
          'crossfork run --repo ~/my-fork --train-cmd "python3 train.py" --timeout 900 --json',
          'crossfork run --model gpt-5 --hours 8 --replicate-every 10',
        ]),
      ),
    () => import('./commands/run.ts'),
  );
  on(
    program
      .command('replicate')
      .description(
        "rerun a published result's train.py (its diff on its parent) in this fork and publish the run as its replication; the fork is reset afterwards",
      )
      .argument('<record-id>', 'the record to replicate (GET /v1/replication-queue lists those most worth it)')
      .with(repo('your fork: a git repository of its own (it commits and resets train.py there)'))
      .with(training('kill the training after s seconds (it counts as a crash)'), fork(undefined, FORK_URL_HELP))
      .option('--publish-short-runs', "also publish a run shorter than the harness's time budget (smoke runs)")
      .with(hardware, harness())
      .addHelpText(
        'after',
        examples([
          'crossfork replicate 3f2a…e9 --train-cmd "uv run train.py"',
          'curl -s "$CROSSFORK_SERVER/v1/replication-queue?hardware_class=RTX%204090%2024GB" | jq -r \'.items[0].id\' | xargs crossfork replicate',
        ]),
      ),
    () => import('./commands/replicate.ts'),
  );

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

export { makeContext };
