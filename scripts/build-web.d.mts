// Types of scripts/build-web.mjs, for the TypeScript tests and benches that import it.
export declare function buildWeb(opts?: { force?: boolean; quiet?: boolean }): Promise<{ built: boolean }>;
