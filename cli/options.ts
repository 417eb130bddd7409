// Option groups several commands share (machine, harness, agent, fork, training), declared once;
// a command takes a group with `.with(group)`, in the place its options should show in --help.
import { Command, Option } from 'commander';

/** Adds a set of options to a command (in order) and returns it. */
export type OptionGroup = (c: Command) => Command;

/** commander's Command, with `.with(...groups)` so groups read in line with the other options. */
export class CliCommand extends Command {
  override createCommand(name?: string): CliCommand {
    return new CliCommand(name);
  }

  with(...groups: OptionGroup[]): this {
    for (const g of groups) g(this);
    return this;
  }
}

/** `--repo`: the fork checkout a command reads (default: this directory). */
export const repo =
  (help = 'the fork checkout'): OptionGroup =>
  (c) =>
    c.option('--repo <dir>', help, '.');

/** `--results`: the results.tsv to read. */
export const results: OptionGroup = (c) => c.option('--results <file>', 'results.tsv (default: <repo>/results.tsv)');

/** The machine: each flag corrects the machine profile `crossfork init` saved (else what is detected now). */
export const hardware: OptionGroup = (c) =>
  c
    .option('--device <name>', 'device name, e.g. "NVIDIA H100 80GB HBM3" (default: the machine profile)')
    .option('--memory-mb <n>', 'memory of one device in MiB (default: the machine profile)')
    .option('--accelerator <kind>', 'cuda | rocm | mps | mlx | cpu | other (default: the machine profile)')
    .option('--device-count <n>', 'number of devices (default: the machine profile, else 1)');

/** `--hardware-class`: the class to ask about instead of this machine's. */
export const hardwareClass: OptionGroup = (c) =>
  c.option('--hardware-class <class>', 'hardware class (default: derived by the server from this machine)');

/** The harness, by id or by name; `idHelp` says what the id defaults to. */
export const harness =
  (idHelp = 'harness id (default: SHA-256 of prepare.py, else the current upstream harness)'): OptionGroup =>
  (c) =>
    c
      .option('--harness-id <sha256>', idHelp)
      .option('--harness <name>', 'a known harness by name: upstream (its current version) or upstream@COMMIT');

/** The harness of a fork's own rows: prepare.py in git wins; the id is for forks without one. */
export const forkHarness = harness(
  "harness id, when prepare.py is not in the fork (default: an unknown harness of the fork's own, which ranks nowhere)",
);

/** The agent named on published records. */
export const agent =
  (modelHelp: string, toolHelp = 'the agent tool'): OptionGroup =>
  (c) =>
    c.option('--agent-model <name>', modelHelp).option('--agent-tool <name>', toolHelp);

/** The fork id published records carry; with `urlHelp`, also `--fork-url`. */
export const fork =
  (idHelp = 'override the fork id', urlHelp?: string): OptionGroup =>
  (c) => {
    c.option('--fork-id <id>', idHelp);
    return urlHelp ? c.option('--fork-url <url>', urlHelp) : c;
  };

/** The fork's URL, published only on request. */
export const FORK_URL_HELP = "publish the fork's URL (not published by default)";

/** `--memory-unit`: how to read results.tsv's memory_gb column. */
export const memoryUnit =
  (help: string): OptionGroup =>
  (c) =>
    c.addOption(new Option('--memory-unit <unit>', help).choices(['gb', 'mb', 'none']));

/** The training run: its command and the time after which it is killed. */
export const training =
  (timeoutHelp: string): OptionGroup =>
  (c) =>
    c
      .option('--train-cmd <cmd>', 'the training command, run in the repo; output goes to run.log', 'uv run train.py')
      .option('--timeout <s>', timeoutHelp, '600');

/** An idea to look up or claim, in words, with the train.py diff that goes with it. */
export const idea =
  (diffHelp: string): OptionGroup =>
  (c) =>
    c.argument('<idea>', 'the idea, in words').option('--diff <file>', diffHelp);
