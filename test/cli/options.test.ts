// The CLI's option groups: declared once, each command shows the same flags with the same help,
// in the place it takes them; a group's flags parse like any other option.
import { describe, expect, it } from 'vitest';
import { CliCommand, fork, FORK_URL_HELP, hardware, harness, repo } from '../../cli/options.ts';
import { parse } from '../../cli/cli.ts';

function help(argv: string[]): string {
  let out = '';
  parse([...argv, '--help'], { out: (s) => (out += s), err: (s) => (out += s) });
  return out;
}

const flagsOf = (text: string) => [...text.matchAll(/^\s+((?:-\w, )?--[\w-]+)/gm)].map((m) => m[1].replace(/^-\w, /, ''));

describe('option groups', () => {
  it('adds a group in place, in order, and parses its flags', () => {
    const c = new CliCommand('x').exitOverride().option('--first').with(repo('where'), hardware, harness()).option('--last');
    expect(c.options.map((o) => o.long)).toEqual([
      '--first',
      '--repo',
      '--device',
      '--memory-mb',
      '--accelerator',
      '--device-count',
      '--harness-id',
      '--harness',
      '--last',
    ]);
    c.parse(['--device', 'RTX 4090', '--harness', 'upstream'], { from: 'user' });
    expect(c.opts()).toMatchObject({ repo: '.', device: 'RTX 4090', harness: 'upstream' });
  });

  it('adds --fork-url only when given its help', () => {
    expect(new CliCommand('x').with(fork()).options.map((o) => o.long)).toEqual(['--fork-id']);
    expect(new CliCommand('x').with(fork(undefined, FORK_URL_HELP)).options.map((o) => o.long)).toEqual(['--fork-id', '--fork-url']);
  });

  it('gives every command that reads the machine the same four hardware flags and the harness pair', () => {
    for (const cmd of ['check', 'known-bad', 'claim', 'mcp', 'run', 'replicate', 'import', 'watch', 'publish']) {
      const text = help([cmd]);
      const flags = flagsOf(text);
      const at = flags.indexOf('--device');
      expect(flags.slice(at, at + 4), cmd).toEqual(['--device', '--memory-mb', '--accelerator', '--device-count']);
      expect(flags, cmd).toEqual(expect.arrayContaining(['--repo', '--harness-id', '--harness']));
      expect(text.replace(/\s+/g, ' '), cmd).toMatch(/--repo <dir> (?:(?!--).)*\(default: "\."\)/);
    }
  });

  it('keeps each command’s own wording where it differs', () => {
    expect(help(['leaderboard'])).toMatch(/harness id \(default: the harness with the most\s+records\)/);
    expect(help(['import'])).toMatch(/the agent tool \(claude-code, codex, …\)/);
    expect(help(['watch'])).toMatch(/the model that runs the experiments/);
    expect(help(['check'])).toMatch(/harness id \(default: SHA-256 of prepare\.py, else the\s+current upstream harness\)/);
  });
});
