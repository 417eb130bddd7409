// How to install the CLI today, said wherever crossfork tells someone to install it: crossfork is
// not on the npm registry yet, so from a checkout of its repository, as the packed tarball.
import { VERSION } from './version.ts';

/** The tarball `npm run pack:cli` writes at the root of a checkout. */
export const TARBALL = `crossfork-${VERSION}.tgz`;

/** Run at the root of a checkout of the crossfork repository. */
export const INSTALL_COMMAND = `npm ci && npm run pack:cli && npm install -g ./${TARBALL}`;
