/**
 * Acknowledgements: a trailing `# fwc-ignore FW407: REASON` on a statement silences that warning for
 * that statement only. The reason is required (it is what a reviewer reads); errors cannot be silenced;
 * an ignore that silences nothing is itself a warning, so stale ones do not pile up.
 *
 *     anyone may reach bastion on ssh  # fwc-ignore FW407: the bastion is the way in, keys only
 */
import { CODES, diagnostic, type Diagnostic, lookupCode } from '../diagnostics/index.js';
import type { SourceFile, Span } from '../source/index.js';
import type { PolicyFile } from '../syntax/index.js';

const IGNORE = /^#\s*fwc-ignore\b\s*(?<code>[A-Za-z0-9-]*)\s*(?::\s*(?<reason>.*?))?\s*$/;

interface Ignore {
  readonly file: SourceFile;
  readonly code: string;
  readonly comment: Span;
  readonly statement: Span;
  used: boolean;
}

/** The ignores of a file, and the problems with how they are written. */
function ignoresOf(ast: PolicyFile, out: Diagnostic[]): Ignore[] {
  const file = ast.source;
  const ignores: Ignore[] = [];
  for (const c of ast.comments) {
    const m = IGNORE.exec(c.text);
    if (!m) continue;
    const span = { start: c.span.start, end: c.span.start + c.text.length };
    const info = m.groups!.code ? lookupCode(m.groups!.code) : undefined;
    const bad = (message: string, help: string) => out.push(diagnostic('ignoreComment', { message, file, span, label: 'this acknowledgement', help: [help] }));
    if (!info) {
      bad(m.groups!.code ? `\`${m.groups!.code}\` is not a diagnostic code` : 'an `fwc-ignore` comment names no code', 'write `# fwc-ignore FW407: REASON` (`fwc explain` lists the codes)');
      continue;
    }
    if (info.severity === 'error') {
      bad(`${info.code} is an error, and errors cannot be ignored`, `fix what ${info.code} reports (\`fwc explain ${info.code}\`)`);
      continue;
    }
    if (!m.groups!.reason) {
      bad(`the acknowledgement of ${info.code} gives no reason`, `say why after a colon: \`# fwc-ignore ${info.code}: REASON\``);
      continue;
    }
    // The statement whose last line the comment ends.
    const line = file.position(c.span.start).line;
    const statement = ast.statements.find((s) => s.span.end <= c.span.start && file.position(s.span.end).line === line);
    if (!statement) {
      bad('an `fwc-ignore` comment must end the line of the statement it is about', 'move it to the end of that statement\'s (last) line');
      continue;
    }
    ignores.push({ file, code: info.code, comment: span, statement: statement.span, used: false });
  }
  return ignores;
}

/** Drops the warnings that an ignore acknowledges; adds diagnostics about the ignores themselves. */
export function applyIgnores(diagnostics: readonly Diagnostic[], files: readonly PolicyFile[]): Diagnostic[] {
  const extra: Diagnostic[] = [];
  const ignores = files.flatMap((ast) => ignoresOf(ast, extra));
  if (ignores.length === 0) return [...diagnostics, ...extra];
  const kept = diagnostics.filter((d) => {
    if (d.severity !== 'warning' || !d.primary) return true;
    const at = d.primary;
    const hit = ignores.find((i) => i.code === d.code.code && i.file.path === at.file.path && i.statement.start <= at.span.start && at.span.end <= i.statement.end);
    if (!hit) return true;
    hit.used = true;
    return false;
  });
  // A file with errors was not linted: its ignores cannot be judged.
  const failed = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.primary?.file.path ?? d.path));
  for (const i of ignores) {
    if (i.used || failed.has(i.file.path)) continue;
    extra.push(
      diagnostic('unusedIgnore', {
        message: `this acknowledgement of ${i.code} (${CODES[codeName(i.code)]?.name ?? i.code}) silences nothing: the statement has no such warning`,
        file: i.file,
        span: i.comment,
        label: 'silences nothing',
        help: ['remove the comment'],
      }),
    );
  }
  return [...kept, ...extra];
}

function codeName(code: string): keyof typeof CODES {
  return (Object.keys(CODES) as (keyof typeof CODES)[]).find((k) => CODES[k].code === code)!;
}
