// Dependencies point one way: protocol ← catalogue ← services ← routes/http, and the CLI sees only
// the protocol. Every import (static, type-only, re-export, dynamic) of every .ts file is checked.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Repo-relative paths of the .ts files under `dir` (no node_modules, no build output). */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...tsFiles(path));
    } else if (/\.[cm]?ts$/.test(e.name)) out.push(path);
  }
  return out;
}

/** The repo-relative targets of a file's relative imports (packages are not layers). */
function importsOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) =>
      relative(ROOT, resolve(ROOT, dirname(file), spec))
        .split('\\')
        .join('/'),
    );
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** `file → target` for every import of a file under `from` into one of `forbidden`, unless `allowed`. */
function violations(from: string, forbidden: readonly string[], allowed: readonly string[] = []): string[] {
  return tsFiles(from).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((f) => under(target, f)) && !allowed.some((a) => under(target, a)))
      .map((target) => `${file} → ${target}`),
  );
}

describe('architecture: dependencies point one way', () => {
  it('finds the imports it checks (the scan is not vacuous)', () => {
    expect(tsFiles('server').length).toBeGreaterThan(100);
    expect(importsOf('server/catalogue/understand.ts')).toContain('server/catalogue/catalogue.ts');
    expect(importsOf('server/services/ideas/features.ts')).toContain('server/catalogue/diff.ts');
  });

  it('server/protocol imports no other part of the server', () => {
    expect(
      violations('server/protocol', ['server/catalogue', 'server/services', 'server/repositories', 'server/routes', 'server/db']),
    ).toEqual([]);
  });

  it('server/catalogue imports nothing from services, repositories, routes, db or http', () => {
    expect(violations('server/catalogue', ['server/services', 'server/repositories', 'server/routes', 'server/db', 'server/http'])).toEqual(
      [],
    );
  });

  it('server/services imports nothing from routes or http', () => {
    expect(violations('server/services', ['server/routes', 'server/http'])).toEqual([]);
  });

  it('cli imports from the server only its protocol', () => {
    expect(violations('cli', ['server'], ['server/protocol'])).toEqual([]);
  });
});
