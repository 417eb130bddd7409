// `crossfork program`: a program.md section that makes any agent consult crossfork before each
// experiment and publish after it.
import type { Context } from '../lib/context.ts';
import { INSTALL_COMMAND } from '../lib/install.ts';
import { result } from '../lib/result.ts';

export const PROGRAM_SECTION = `## Shared notebook (crossfork)

Other people run this same loop on their own hardware and publish every experiment to
crossfork. Use it so you do not repeat their dead ends. (The \`crossfork\` command is installed
on this machine and \`crossfork init --yes\` has saved its hardware. Where it is missing, it is
not on the npm registry: install it from a checkout of the crossfork repository with
\`${INSTALL_COMMAND}\`.)

**Before each experiment**, once you know what you will change, ask whether it was tried:

    crossfork check "<one line: what you will change, e.g. increase MATRIX_LR from 0.04 to 0.05>"

(add \`--diff <file>\` with \`git diff train.py\` for a sharper answer). Read the verdict:
- \`crashes_here\`, \`known_bad\` or \`failed_nearby\` (the answer says \`warning\`): it crashed or
  failed on your hardware or hardware like it; pick another idea unless you have a concrete
  reason it will go differently.
- \`promising\`: it was kept on hardware like yours; worth trying.
- \`inconclusive\`: it was kept, but the effect was within run-to-run noise.
- \`kept_elsewhere\` / \`failed_elsewhere\`: tried only on very different hardware; weak evidence.
- \`novel\` or \`mixed\`: your call.
\`crossfork known-bad\` lists every idea that keeps failing on your hardware class.

**After each experiment** (kept, discarded or crashed), right after you log the row in
results.tsv, publish it:

    crossfork publish --run-log run.log --status <keep|discard|crash> -d "<the same description>"

Publishing never blocks you: when the server is unreachable the record is queued on disk
and sent later. Do not stop the loop because of crossfork.
`;

export default async function program(_ctx: Context) {
  return result({ markdown: PROGRAM_SECTION }, PROGRAM_SECTION);
}
