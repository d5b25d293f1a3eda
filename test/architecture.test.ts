// The shape of the code (docs/architecture.md): folders import strictly one way, down the pipeline, only
// through each other's index.ts, and no file imports itself back through others. Read from the sources' own import lines, so a backward
// edge added anywhere fails here, with the files that make it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers/cli.js';

/** The folders of src/, lowest first: each may import only folders before it. */
const LAYERS = ['source', 'model', 'api', 'diagnostics', 'syntax', 'check', 'compile', 'analysis', 'pipeline', 'plan', 'digitalocean', 'audit', 'import', 'emulator', 'cli', 'lsp'];
/** Folders that may import only these (the emulator shares nothing with the client but the contract). */
const ONLY: Record<string, readonly string[]> = { emulator: ['api'] };

type Edge = { from: string; to: string };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of every source file, as file → file (paths relative to src/). */
function imports(src: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sources(src)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'(\.[^']+)'/g)) {
      edges.push({ from: relative(src, file), to: relative(src, resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))) });
    }
  }
  return edges;
}

const folderOf = (path: string) => path.split('/')[0]!;

/** The imports that go against the layers, as `from → to`. */
export function backwardEdges(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b || b === '..') continue; // inside a folder; the generated grammar bundle beside src/
    const only = ONLY[a];
    const ok = only ? only.includes(b) : LAYERS.indexOf(b) !== -1 && LAYERS.indexOf(b) < LAYERS.indexOf(a);
    if (!ok || LAYERS.indexOf(a) === -1) out.push(`${from} → ${to}`);
  }
  return out.sort();
}

/** Imports that reach into another folder past its public face (its index.ts), as `from → to`. */
export function deepImports(edges: readonly Edge[]): string[] {
  return edges
    .filter(({ from, to }) => folderOf(from) !== folderOf(to) && folderOf(to) !== '..' && to !== `${folderOf(to)}/index.ts`)
    .map(({ from, to }) => `${from} → ${to}`)
    .sort();
}

/** One cycle of files importing each other, if there is one. */
export function fileCycle(edges: readonly Edge[]): string[] | null {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 2) return null;
    if (state.get(n) === 1) return [...path.slice(path.indexOf(n)), n];
    state.set(n, 1);
    path.push(n);
    for (const m of next.get(n) ?? []) {
      const found = visit(m);
      if (found) return found;
    }
    path.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of next.keys()) {
    const found = visit(n);
    if (found) return found;
  }
  return null;
}

const Shape = suite('the import graph');
const EDGES = imports(join(ROOT, 'src'));
Shape('every folder of src/ has its place in the layers', () => {
  const folders = readdirSync(join(ROOT, 'src')).filter((n) => statSync(join(ROOT, 'src', n)).isDirectory());
  assert.equal(folders.filter((f) => !LAYERS.includes(f)), [], 'a new folder: give it its place in LAYERS and in docs/architecture.md');
  assert.ok(EDGES.length > 300, `only ${EDGES.length} imports read: the reader is broken`);
});
Shape("docs/architecture.md's table lists every folder, in the layers' order", () => {
  const table = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8').matchAll(/^\| `([a-z]+)\/` \|/gm);
  assert.equal([...table].map((m) => m[1]), LAYERS);
});
Shape('folders import strictly down the layers (no folder cycle, no backward edge)', () => {
  assert.equal(backwardEdges(EDGES), []);
});
Shape('other folders are reached through their index.ts only (no deep imports)', () => {
  assert.equal(deepImports(EDGES), []);
});
Shape('every folder has a README and a public face that only re-exports', () => {
  for (const folder of LAYERS) {
    for (const file of ['README.md', 'index.ts']) assert.ok(existsSync(join(ROOT, 'src', folder, file)), `src/${folder}/${file} is missing`);
    const face = ts.createSourceFile('index.ts', readFileSync(join(ROOT, 'src', folder, 'index.ts'), 'utf8'), ts.ScriptTarget.Latest);
    const other = face.statements.filter((st) => !(ts.isExportDeclaration(st) && st.moduleSpecifier));
    assert.is(other.length, 0, `src/${folder}/index.ts holds more than re-exports: move it into a file of its own`);
  }
});
Shape('no file imports itself back through others', () => {
  assert.is(fileCycle(EDGES)?.join(' → ') ?? null, null);
});
Shape('the checks can fail', () => {
  assert.equal(backwardEdges([{ from: 'compile/compile.ts', to: 'plan/plan.ts' }]), ['compile/compile.ts → plan/plan.ts']);
  assert.equal(backwardEdges([{ from: 'emulator/index.ts', to: 'compile/rules.ts' }]), ['emulator/index.ts → compile/rules.ts']);
  assert.equal(deepImports([{ from: 'plan/plan.ts', to: 'compile/rules.ts' }, { from: 'plan/plan.ts', to: 'compile/index.ts' }]), ['plan/plan.ts → compile/rules.ts']);
  assert.equal(fileCycle([{ from: 'a.ts', to: 'b.ts' }, { from: 'b.ts', to: 'a.ts' }]), ['a.ts', 'b.ts', 'a.ts']);
});
Shape.run();
