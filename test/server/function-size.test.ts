// Functions stay small enough to hold in one's head: every function with a body outside test/
// (TypeScript, JavaScript and the <script> blocks of .svelte files) spans at most MAX_LINES lines.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 120;
/** Folders never scanned: tests, dependencies, build output, and data written by runs. */
const SKIPPED = new Set(['test', 'test-results', 'node_modules', 'dist', 'coverage', 'data', 'tmp']);
const SOURCE = /\.(?:[cm]?[jt]s|svelte)$/;

/** Repo-relative paths of the source files under `dir` (hidden folders and SKIPPED ones left out). */
function sourceFiles(dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && !SKIPPED.has(e.name)) out.push(...sourceFiles(path));
    } else if (dir && SOURCE.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.d.mts')) out.push(path);
  }
  return out;
}

/** The code blocks of a file with the line each starts on: the whole file, or a .svelte file's <script> blocks. */
function scripts(path: string, text: string): { code: string; firstLine: number }[] {
  if (!path.endsWith('.svelte')) return [{ code: text, firstLine: 1 }];
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => {
    const start = m.index + m[0].indexOf('>') + 1;
    return { code: m[1], firstLine: text.slice(0, start).split('\n').length };
  });
}

const nameOf = (node: ts.SignatureDeclaration, sf: ts.SourceFile): string => {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText(sf);
  return '(anonymous)';
};

/** Every function with a body in `code`, with its name, first line and length in lines. */
function functionsIn(path: string, code: string, firstLine = 1): { name: string; line: number; lines: number }[] {
  const sf = ts.createSourceFile(path, code, ts.ScriptTarget.Latest, true, /\.[cm]?js$/.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const found: { name: string; line: number; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ name: nameOf(node, sf), line: firstLine + start, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** `path:line name (N lines)` for every function over MAX_LINES lines. */
function offenders(files: string[]): string[] {
  return files.flatMap((path) => {
    const text = readFileSync(join(ROOT, path), 'utf8');
    return scripts(path, text).flatMap(({ code, firstLine }) =>
      functionsIn(path, code, firstLine)
        .filter((f) => f.lines > MAX_LINES)
        .map((f) => `${path}:${f.line} ${f.name} (${f.lines} lines)`),
    );
  });
}

describe('function size', () => {
  it('measures what it checks (the scan is not vacuous)', () => {
    const files = sourceFiles();
    expect(files).toContain('server/catalogue/understand.ts');
    expect(files).toContain('web/src/pages/Ideas.svelte');
    expect(files.some((f) => f.startsWith('test/'))).toBe(false);
    const long = ['function big() {', ...Array.from({ length: MAX_LINES }, (_, i) => `  const a${i} = ${i};`), '}'].join('\n');
    expect(functionsIn('x.ts', long)).toEqual([{ name: 'big', line: 1, lines: MAX_LINES + 2 }]);
    expect(functionsIn('x.ts', 'const f = () => {\n  return 1;\n};\nclass C {\n  m() {}\n}')).toEqual([
      { name: 'f', line: 1, lines: 3 },
      { name: 'm', line: 5, lines: 1 },
    ]);
    const svelte = '<p>x</p>\n<script lang="ts">\n  function g() {\n    return 1;\n  }\n</script>';
    expect(scripts('x.svelte', svelte).flatMap((s) => functionsIn('x.svelte', s.code, s.firstLine))).toEqual([
      { name: 'g', line: 3, lines: 3 },
    ]);
  });

  it(`no function outside test/ is longer than ${MAX_LINES} lines`, () => {
    const found = offenders(sourceFiles());
    expect(found, `split these into named phases:\n${found.join('\n')}`).toEqual([]);
  });
});
