// Which harness a fork's results are on: --harness-id, or --harness NAME (known harnesses, e.g.
// `upstream`), else the SHA-256 of the fork's prepare.py, else (importing) an unknown harness of the
// fork itself, or (asking) the current upstream version; either said in one line.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CURRENT_UPSTREAM,
  harnessByName,
  harnessNames,
  knownHarness,
  unknownHarnessId,
  type KnownHarness,
} from '../../server/protocol/harnesses.ts';
import { usageError } from './errors.ts';

export interface HarnessFlags {
  harnessId?: string;
  harness?: string;
}

export interface HarnessChoice {
  /** The harness id to use when a row has no prepare.py of its own in git. */
  id: string;
  /** flag: --harness-id; name: --harness; prepare.py: the working tree's; assumed: no prepare.py, current upstream; unknown: no prepare.py, the fork's own. */
  source: 'flag' | 'name' | 'prepare.py' | 'assumed' | 'unknown';
  known: KnownHarness | null;
  /** A line for stderr when the id was assumed (never silently). */
  note: string | null;
}

/** Checks --harness-id / --harness; returns the explicitly chosen harness, or undefined. */
export function explicitHarness(flags: HarnessFlags): { id: string; known: KnownHarness | null; source: 'flag' | 'name' } | undefined {
  if (flags.harnessId !== undefined && flags.harness !== undefined) throw usageError('pass --harness-id or --harness, not both');
  if (flags.harnessId !== undefined) {
    if (!/^[0-9a-f]{64}$/.test(flags.harnessId)) throw usageError('--harness-id must be a lowercase hex SHA-256');
    return { id: flags.harnessId, known: knownHarness(flags.harnessId), source: 'flag' };
  }
  if (flags.harness !== undefined) {
    const h = harnessByName(flags.harness);
    if (!h)
      throw usageError(
        `unknown harness ${JSON.stringify(flags.harness)}: known names are ${harnessNames().join(', ')} (the current version) or NAME@COMMIT, e.g. upstream@${CURRENT_UPSTREAM.commit}; or pass --harness-id`,
      );
    return { id: h.id, known: h, source: 'name' };
  }
  return undefined;
}

/** SHA-256 of the working tree's prepare.py, or null. */
export function prepareHash(repo: string): string | null {
  try {
    return createHash('sha256')
      .update(readFileSync(join(resolve(repo), 'prepare.py')))
      .digest('hex');
  } catch {
    return null;
  }
}

/**
 * The harness of a checkout (see the header). With `forkId` (import, watch, publish), results with no
 * prepare.py at hand go on that fork's unknown harness; without it (asking), current upstream is assumed.
 */
export function resolveHarness(repo: string, flags: HarnessFlags = {}, forkId?: string): HarnessChoice {
  const explicit = explicitHarness(flags);
  if (explicit) return { ...explicit, note: null };
  const own = prepareHash(repo);
  if (own) return { id: own, source: 'prepare.py', known: knownHarness(own), note: null };
  if (forkId !== undefined) return { id: unknownHarnessId(forkId), source: 'unknown', known: null, note: unknownNote(repo) };
  return { id: CURRENT_UPSTREAM.id, source: 'assumed', known: CURRENT_UPSTREAM, note: assumedNote(repo) };
}

/** The one line said when results are filed under the fork's unknown harness, with the fix. */
export function unknownNote(repo: string): string {
  return `no prepare.py in ${resolve(repo)}: results go on an unknown harness of this fork (they inform ideas by their deltas, never a leaderboard); if it ran upstream autoresearch's prepare.py, pass --harness upstream (or --harness-id ID)`;
}

export function assumedNote(repo: string): string {
  const u = CURRENT_UPSTREAM;
  return `no prepare.py in ${resolve(repo)}: assuming the current upstream harness (${u.repository} ${u.commit}, ${u.date}, id ${u.id.slice(0, 12)}…); pass --harness NAME or --harness-id ID if you ran another`;
}

/** A short name for output: `upstream c2450ad` for known ids, else the id's first 12 digits. */
export function harnessLabel(id: string): string {
  const k = knownHarness(id);
  return k ? `${k.name} ${k.commit}` : id.slice(0, 12);
}

/** Back-compat helper for commands that only need an id (flags, else prepare.py, else current upstream). */
export function harnessId(repo: string, flag?: string): string {
  return resolveHarness(repo, { harnessId: flag }).id;
}
