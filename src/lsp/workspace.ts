/**
 * The workspace index: every .fw file under the workspace folders (read from disk, or the editor's text
 * while a file is open), each file's syntax tree and names, and the diagnostics of the whole set built by
 * the same pipeline as `fwc validate` (src/pipeline/build.ts), so that cross-file checks (two policies of
 * one name, a tag governed twice) show in the editor as they do on the command line.
 *
 * A keystroke re-parses only its file, and only its changed statements (incrementalParse.ts); the build
 * of the whole set runs when diagnostics are due (debounced in server.ts) or a request needs it.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { listPolicyPaths } from '../cli/index.js';
import { type Diagnostic, hasErrors } from '../diagnostics/index.js';
import { check } from '../check/index.js';
import { compile } from '../compile/index.js';
import { buildPolicies, type BuildResult, type BuiltPolicy } from '../pipeline/index.js';
import { SourceFile } from '../source/index.js';
import { StatementCache, type ParseResult } from './incrementalParse.js';
import { NameIndex } from './names.js';

/** One policy file as the server knows it. */
export interface PolicyDocument {
  readonly uri: string;
  readonly file: SourceFile;
  readonly parsed: ParseResult;
  readonly names: NameIndex;
  /** True while the editor holds the file open (its text is the editor's, not the disk's). */
  readonly open: boolean;
}

export interface WorkspaceBuild {
  readonly result: BuildResult;
  /** Diagnostics of each file, by URI (every known file has an entry, possibly empty). */
  readonly byUri: ReadonlyMap<string, readonly Diagnostic[]>;
  /** The compiled policy of each file that compiled. */
  readonly policies: ReadonlyMap<string, BuiltPolicy>;
}

/** `YYYY-MM-DD` of today in UTC: expiry is judged as `fwc validate` judges it without --as-of. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Updates between sweeps of the statement cache: rare enough to cost nothing, often enough to keep it small. */
const UPDATES_PER_SWEEP = 500;

export class Workspace {
  private readonly docs = new Map<string, PolicyDocument>();
  private readonly cache = new StatementCache();
  private built: WorkspaceBuild | null = null;
  private readonly compiledDocs = new WeakMap<PolicyDocument, BuiltPolicy | null>();
  private updates = 0;

  constructor(
    /** Workspace folders, as file system paths; paths in messages are relative to the first. */
    readonly roots: readonly string[],
    private readonly asOf: () => string = today,
  ) {}

  get statementCache(): StatementCache {
    return this.cache;
  }

  /** The path shown in messages: relative to the first workspace folder, as `fwc validate` run there shows it. */
  private displayPath(uri: string): string {
    if (!uri.startsWith('file:')) return uri;
    const path = fileURLToPath(uri);
    const root = this.roots[0];
    if (root) {
      const rel = relative(root, path);
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel;
    }
    return path;
  }

  /** Reads every .fw file under the workspace folders that the editor has not opened. */
  scan(): void {
    for (const root of this.roots) {
      const listed = listPolicyPaths([root], root);
      for (const path of listed.files) {
        const uri = pathToFileURL(resolve(root, path)).href;
        if (this.docs.get(uri)?.open) continue;
        this.readFromDisk(uri);
      }
    }
  }

  private readFromDisk(uri: string): void {
    let text: string;
    try {
      text = readFileSync(fileURLToPath(uri), 'utf8');
    } catch {
      this.remove(uri);
      return;
    }
    this.set(uri, text.startsWith('\uFEFF') ? text.slice(1) : text, false);
  }

  /** Sets a file's text as given (the diagnostics thread, buildWorker.ts, is handed every text this way). */
  load(uri: string, text: string, open: boolean): PolicyDocument {
    return this.set(uri, text, open);
  }

  private set(uri: string, text: string, open: boolean): PolicyDocument {
    const file = new SourceFile(this.displayPath(uri), text);
    const parsed = this.cache.parse(file);
    const doc: PolicyDocument = { uri, file, parsed, names: new NameIndex(parsed.value), open };
    this.docs.set(uri, doc);
    this.built = null;
    // Every keystroke leaves the old text of one statement in the cache: forget those now and then, also
    // where no build runs on this thread (the server builds on a thread of its own).
    if (++this.updates % UPDATES_PER_SWEEP === 0) this.cache.sweep(this.all().map((d) => d.parsed.keys));
    return doc;
  }

  /** The editor opened or changed a file. */
  update(uri: string, text: string): PolicyDocument {
    return this.set(uri, text, true);
  }

  /** The editor closed a file: from now on its text is the one on disk (if it is a workspace file). */
  close(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    if (uri.startsWith('file:') && this.isInWorkspace(uri)) this.readFromDisk(uri);
    else this.remove(uri);
  }

  /** A file changed on disk (the client's file watcher). Open files keep the editor's text. */
  changedOnDisk(uri: string, deleted: boolean): void {
    if (this.docs.get(uri)?.open) return;
    if (deleted) this.remove(uri);
    else if (uri.endsWith('.fw') && this.isInWorkspace(uri)) this.readFromDisk(uri);
  }

  remove(uri: string): void {
    if (this.docs.delete(uri)) this.built = null;
  }

  private isInWorkspace(uri: string): boolean {
    const path = fileURLToPath(uri);
    return this.roots.some((root) => {
      const rel = relative(root, path);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    });
  }

  get(uri: string): PolicyDocument | undefined {
    return this.docs.get(uri);
  }

  all(): PolicyDocument[] {
    return [...this.docs.values()];
  }

  /** The build of the current texts (cached until a file changes). */
  build(): WorkspaceBuild {
    if (this.built) return this.built;
    const docs = this.all().sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
    const byFile = new Map(docs.map((d) => [d.file, d]));
    // Each file's parse is the one made when its text last changed.
    const result = buildPolicies(
      docs.map((d) => d.file),
      { asOf: this.asOf(), parse: (file) => byFile.get(file)?.parsed ?? this.cache.parse(file) },
    );
    const byUri = new Map<string, Diagnostic[]>(docs.map((d) => [d.uri, []]));
    const byPath = new Map(docs.map((d) => [d.file.path, d.uri]));
    for (const d of result.diagnostics) {
      const uri = d.primary ? byFile.get(d.primary.file)?.uri : d.path !== undefined ? byPath.get(d.path) : undefined;
      if (uri) byUri.get(uri)!.push(d);
    }
    const policies = new Map<string, BuiltPolicy>();
    for (const p of result.policies) {
      const doc = byFile.get(p.policy.file);
      if (doc) policies.set(doc.uri, p);
    }
    this.cache.sweep(docs.map((d) => d.parsed.keys));
    this.built = { result, byUri, policies };
    return this.built;
  }

  /**
   * One file's policy, checked and compiled on its own (null when it has errors): what hover shows of a
   * file. Cheaper than build() — no other file, no analyses — so a hover after a keystroke answers sooner;
   * diagnostics, which need all of that, come from build() (on the diagnostics thread).
   */
  compiledPolicy(doc: PolicyDocument): BuiltPolicy | null {
    const known = this.compiledDocs.get(doc);
    if (known !== undefined) return known;
    const fromBuild = this.built?.policies.get(doc.uri);
    let result: BuiltPolicy | null = fromBuild && fromBuild.policy.file === doc.file ? fromBuild : null;
    if (!result && !hasErrors(doc.parsed.diagnostics)) {
      const checked = check(doc.parsed.value, { asOf: this.asOf() });
      if (!hasErrors(checked.diagnostics)) {
        const compiled = compile(checked.value);
        if (!hasErrors(compiled.diagnostics)) result = { policy: checked.value, compiled: compiled.value };
      }
    }
    this.compiledDocs.set(doc, result);
    return result;
  }

  /** The build if it is current, without building. */
  get currentBuild(): WorkspaceBuild | null {
    return this.built;
  }
}
