// The CLI's version: the package's, inlined by the build (scripts/build-cli.mjs), read from the
// root package.json when running from the sources.
import { readFileSync } from 'node:fs';

declare const __CROSSFORK_VERSION__: string | undefined;

export const VERSION: string =
  typeof __CROSSFORK_VERSION__ === 'string'
    ? __CROSSFORK_VERSION__
    : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
