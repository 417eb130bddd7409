// Every command of the CLI as data: its name, description, arguments, options (shared groups from
// options.ts, or rows of flags), examples, and the module that runs it. cli.ts turns it into commander.
import {
  agent,
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
  type OptionGroup,
} from './options.ts';
import type { Context } from './lib/context.ts';
import type { CommandResult } from './lib/result.ts';

export type CommandModule = { default: (ctx: Context, args: any, opts: any) => Promise<CommandResult> };

/** One option: a shared group, `[flags, help, default?]`, or one with a fixed set of values. */
export type OptionSpec =
  | OptionGroup
  | readonly [flags: string, help: string, defaultValue?: string]
  | { flags: string; help: string; choices: string[]; default?: string };

export interface CommandSpec {
  name: string;
  /** A group the command sits under (`github link`). */
  parent?: keyof typeof PARENTS;
  description: string;
  argument?: readonly [name: string, help: string];
  /** In the order --help lists them. */
  options?: readonly OptionSpec[];
  examples: string[];
  load: () => Promise<CommandModule>;
}

/** Commands that only group others. */
export const PARENTS = { github: 'GitHub: link your key to your login' };

/** The top-level examples of `crossfork --help`. */
export const PROGRAM_EXAMPLES = [
  'crossfork init --yes',
  'crossfork whoami',
  'crossfork import',
  'crossfork check "increase MATRIX_LR to 0.05"',
  'crossfork program >> program.md',
];

/** whoami, and doctor: the same report, failing when something is not ready. */
const whoami = (name: 'whoami' | 'doctor', description: string): CommandSpec => ({
  name,
  description,
  options: [repo('the fork checkout (for the harness)')],
  examples: [`crossfork ${name}`, `crossfork ${name} --json`],
  load: () =>
    import('./commands/whoami.ts').then((m) => ({
      default: (ctx: Context, args: unknown[], opts: { repo: string }) => m.default(ctx, args, { ...opts, doctor: name === 'doctor' }),
    })),
});

/** In the order `crossfork --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'init',
    description:
      'set up this machine: the key that signs your records, and the machine profile (hardware detected, shown, corrected by you, saved for every command)',
    options: [
      ['-y, --yes', 'no questions: make (or reuse) a crossfork ed25519 key and save the detected hardware (corrected by the flags below)'],
      ['--key <path>', 'use this existing SSH private key; signing goes through `ssh-keygen -Y sign` (ssh-agent and passphrases work)'],
      ['--github <login>', 'also link the key to this GitHub login (the key must be among https://github.com/<login>.keys)'],
      hardware,
    ],
    examples: [
      'crossfork init --yes',
      'crossfork init --yes --memory-mb 12227            # correct what was detected',
      'crossfork init --key ~/.ssh/id_ed25519 --github octocat',
      'crossfork init --yes --server https://crossfork.example.org',
    ],
    load: () => import('./commands/init.ts'),
  },
  whoami(
    'whoami',
    'show your key, fingerprint, GitHub link, machine profile, its hardware class (as the server derives it) and the server',
  ),
  whoami('doctor', 'like whoami, and exit 1 when something is not ready (no key, no machine profile, server unreachable)'),
  {
    name: 'import',
    description: 'publish every experiment of a fork: results.tsv rows with their train.py diffs from git (discarded commits too)',
    options: [
      repo(),
      results,
      ['--dry-run', 'show what would be published; sign and send nothing'],
      hardware,
      agent('the model that ran the experiments', 'the agent tool (claude-code, codex, …)'),
      forkHarness,
      ['--harness-name <name>', 'harness name', 'autoresearch'],
      ['--time-budget <s>', 'training time budget in seconds (default: TIME_BUDGET in prepare.py, else 300)'],
      memoryUnit('how to read the memory_gb column (default: GB, or MB when the values cannot be GB on this device)'),
      fork('override the fork id (default: a hash of the origin URL or of the first commit and path)', FORK_URL_HELP),
    ],
    examples: [
      'crossfork import',
      'crossfork import --repo ~/autoresearch --dry-run',
      'crossfork import --results old-results.tsv --harness upstream@8a5c486',
      'crossfork import --device "RTX 4090" --memory-mb 24564 --accelerator cuda --json',
    ],
    load: () => import('./commands/import.ts'),
  },
  {
    name: 'watch',
    description: 'follow results.tsv while an agent runs its loop and publish each new row within seconds',
    options: [
      repo(),
      results,
      ['--interval <ms>', 'how often to look at the file', '1000'],
      hardware,
      agent('the model that runs the experiments'),
      forkHarness,
      memoryUnit('how to read the memory_gb column (default: decided against the device)'),
      fork(),
    ],
    examples: ['crossfork watch', 'crossfork watch --repo ~/autoresearch --agent-tool codex'],
    load: () => import('./commands/watch.ts'),
  },
  {
    name: 'publish',
    description: 'publish one experiment, from flags or from a run.log (for agents, after each experiment)',
    options: [
      repo(),
      ['-d, --description <text>', 'what the experiment tried'],
      {
        flags: '--status <status>',
        help: 'keep | discard | crash (default: crash when the run.log has no val_bpb)',
        choices: ['keep', 'discard', 'crash'],
      },
      ['--val-bpb <x>', 'validation bits per byte (default: from --run-log)'],
      ['--run-log <file>', 'the run.log that train.py printed: val_bpb and the other metrics are read from it'],
      ['--commit <hash>', 'the experiment commit (default: HEAD)'],
      ['--parent-val-bpb <x>', "the parent's val_bpb (default: the best keep in results.tsv)"],
      ['--publish-short-runs', "also publish a --run-log shorter than the harness's time budget (a smoke run)"],
      hardware,
      agent('the model that ran the experiment'),
      forkHarness,
      fork(),
    ],
    examples: [
      'crossfork publish --run-log run.log --status keep -d "increase MATRIX_LR to 0.05"',
      'crossfork publish --status crash -d "double depth (OOM)"',
    ],
    load: () => import('./commands/publish.ts'),
  },
  {
    name: 'sync',
    description: 'deliver the records queued in the outbox',
    examples: ['crossfork sync', 'crossfork sync --json'],
    load: () => import('./commands/sync.ts'),
  },
  {
    name: 'check',
    description: 'was this idea tried, on hardware like mine, and how did it go?',
    options: [idea('the diff of train.py you are about to try'), repo('the fork checkout (for the harness id)'), hardware, harness()],
    examples: [
      'crossfork check "increase MATRIX_LR from 0.04 to 0.05"',
      'git diff train.py > /tmp/d && crossfork check "swiglu" --diff /tmp/d --json',
    ],
    load: () => import('./commands/check.ts'),
  },
  {
    name: 'known-bad',
    description: 'ideas tried at least twice on this hardware class and never kept',
    options: [
      { flags: '--format <format>', help: 'md (ready to paste into a prompt) or json', choices: ['md', 'json'], default: 'md' },
      repo('the fork checkout (for the harness id)'),
      hardwareClass,
      ['--all-hardware', 'every hardware class'],
      ['--limit <n>', 'at most this many ideas', '50'],
      hardware,
      harness(),
    ],
    examples: ['crossfork known-bad', 'crossfork known-bad --format json --all-hardware'],
    load: () => import('./commands/known-bad.ts'),
  },
  {
    name: 'suggest',
    description:
      'what to try next: ideas kept on hardware like yours (or elsewhere, never tried on your family) that this fork has not tried, with their evidence, and what to avoid',
    options: [
      repo('the fork checkout (for the harness id and the fork id)'),
      hardwareClass,
      fork('the fork id its records carry (default: derived from the checkout, as import does)'),
      ['--limit <n>', 'at most this many suggestions (1-50)', '10'],
      hardware,
      harness(),
    ],
    examples: ['crossfork suggest', 'crossfork suggest --limit 5 --json'],
    load: () => import('./commands/suggest.ts'),
  },
  {
    name: 'leaderboard',
    description: 'best val_bpb per hardware class',
    options: [repo('the fork checkout (for the harness id)'), harness('harness id (default: the harness with the most records)')],
    examples: ['crossfork leaderboard', 'crossfork leaderboard --harness upstream --json'],
    load: () => import('./commands/leaderboard.ts'),
  },
  {
    name: 'export',
    description: 'write every visible record (signed envelopes as published, plus what the server derived) to an NDJSON file',
    options: [
      ['-o, --output <file>', 'the file to write', 'crossfork-export.ndjson'],
      ['--resume', 'continue an interrupted export of the same file after its last complete line'],
      hardwareClass,
      ['--since <time>', 'only records received at or after this time (RFC 3339)'],
      ['--until <time>', 'only records received before this time'],
      harness('only this harness id (its equivalent upstream versions included)'),
    ],
    examples: ['crossfork export', 'crossfork export -o h100.ndjson --hardware-class "H100 80GB" --json'],
    load: () => import('./commands/export.ts'),
  },
  {
    name: 'claim',
    description: 'reserve an idea while it trains, so other agents can see it is in flight',
    options: [
      idea('the diff of train.py'),
      ['--ttl <s>', 'how long the claim lasts, ≤ 3600 s', '900'],
      repo('the fork checkout (for the harness id)'),
      hardware,
      harness(),
    ],
    examples: ['crossfork claim "increase MATRIX_LR to 0.05" --ttl 600'],
    load: () => import('./commands/claim.ts'),
  },
  {
    name: 'program',
    description: 'print a program.md section that tells an agent to check before and publish after each experiment',
    examples: ['crossfork program >> program.md'],
    load: () => import('./commands/program.ts'),
  },
  {
    name: 'mcp',
    description:
      'an MCP server over stdio: check_idea, suggest, known_bad, leaderboard, publish_result (with the saved machine profile; flags override it)',
    options: [repo('the fork checkout (default: the directory the MCP client starts it in)'), hardware, harness()],
    examples: [
      'claude mcp add crossfork -- crossfork mcp',
      'codex mcp add crossfork -- crossfork mcp',
      'claude mcp add crossfork -- crossfork mcp --repo ~/my-fork',
    ],
    load: () => import('./commands/mcp.ts'),
  },
  {
    name: 'link',
    parent: 'github',
    argument: ['<login>', 'your GitHub login'],
    description: 'show your GitHub login on your records: the server checks that GitHub lists this key for you',
    examples: ['crossfork github link octocat', 'crossfork github link octocat --json'],
    load: () => import('./commands/github.ts'),
  },
  {
    name: 'run',
    description:
      'run the autoresearch loop on this machine: baseline, then propose (an OpenAI-compatible model) → check → claim → commit → train → keep or reset → results.tsv → publish',
    options: [
      repo('an autoresearch-shaped repository (train.py, prepare.py)'),
      ['--model <name>', 'chat model that proposes changes (default: $CROSSFORK_MODEL)'],
      ['--base-url <url>', 'OpenAI-compatible API base URL (default: $OPENAI_BASE_URL; key from $OPENAI_API_KEY)'],
      ['--max-experiments <n>', 'stop after n experiments (the baseline not counted)'],
      ['--hours <h>', 'stop after h hours'],
      training('kill a training run after s seconds (it counts as a crash)'),
      ['--max-asks <n>', 'times the model is asked again for one experiment (bad answers, known-bad ideas)', '5'],
      ['--no-pipeline', 'do not prepare the next proposal while an experiment trains'],
      [
        '--replicate-every <n>',
        'after every n experiments, replicate the result most worth it on this hardware (GET /v1/replication-queue) before going on',
      ],
      [
        '--publish-short-runs',
        "also publish runs shorter than the harness's time budget (smoke runs, CROSSFORK_TIME_BUDGET); by default they stay in results.tsv only",
      ],
      hardware,
      harness(),
    ],
    examples: [
      'crossfork run --model gpt-5 --max-experiments 20',
      'OPENAI_BASE_URL=http://localhost:11434/v1 crossfork run --model qwen3-coder --hours 8',
      'crossfork run --repo ~/my-fork --train-cmd "python3 train.py" --timeout 900 --json',
      'crossfork run --model gpt-5 --hours 8 --replicate-every 10',
    ],
    load: () => import('./commands/run.ts'),
  },
  {
    name: 'replicate',
    description:
      "rerun a published result's train.py (its diff on its parent) in this fork and publish the run as its replication; the fork is reset afterwards",
    argument: ['<record-id>', 'the record to replicate (GET /v1/replication-queue lists those most worth it)'],
    options: [
      repo('your fork: a git repository of its own (it commits and resets train.py there)'),
      training('kill the training after s seconds (it counts as a crash)'),
      fork(undefined, FORK_URL_HELP),
      ['--publish-short-runs', "also publish a run shorter than the harness's time budget (smoke runs)"],
      hardware,
      harness(),
    ],
    examples: [
      'crossfork replicate 3f2a…e9 --train-cmd "uv run train.py"',
      'curl -s "$CROSSFORK_SERVER/v1/replication-queue?hardware_class=RTX%204090%2024GB" | jq -r \'.items[0].id\' | xargs crossfork replicate',
    ],
    load: () => import('./commands/replicate.ts'),
  },
];
