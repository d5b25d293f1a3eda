/**
 * Parses a .fw file into its syntax tree. Every statement is read on its own (splitStatements.ts), so
 * every syntax error is reported, each with the exact position and what was expected there: by the
 * recogniser (recognise.ts) when it is sure, else by the grammar of record (grammarMatch.ts, ohm).
 */
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { SourceFile, Span } from '../source/index.js';
import type { PolicyFile, Statement } from './ast.js';
import { matchStatements, type StatementMatch } from './grammarMatch.js';
import { recogniseStatement } from './recognise.js';
import { splitStatements } from './splitStatements.js';

export { matchStatements, type StatementMatch };

export interface ParseOptions {
  /**
   * How the statements the recogniser leaves are matched with the grammar: one by one on this thread
   * by default. The pipeline passes one that shares a large file's with a second thread
   * (pipeline/parallelMatch.ts); it must give the same results.
   */
  readonly matchMany?: (text: string, spans: readonly Span[]) => StatementMatch[];
}

/**
 * Describes ohm's expectations in words. Where the grammar would list every way a service or an
 * endpoint can start, say what kind of thing is missing instead.
 */
function expectedText(raw: string): string {
  if (raw.includes('a port or port range') && raw.includes('"tcp"')) {
    return 'a service (a port, `tcp`, `udp`, `icmp`, `all` or a service name)';
  }
  if (raw.includes('an IP address or CIDR block') && raw.includes('"anyone"')) {
    return 'a source or destination (a tag, group, address set, address, `anyone`, `load-balancer "NAME"`, …)';
  }
  return raw.replace(/"([^"]*)"/g, '`$1`');
}

/**
 * Parses a whole file; a statement that does not parse is reported and left out of the tree. Most
 * statements are read by the recogniser (recognise.ts); the others by ohm, which spends about 100 µs on
 * a statement (`options.matchMany` may share them with another thread).
 */
export function parse(file: SourceFile, options: ParseOptions = {}): { value: PolicyFile; diagnostics: Diagnostic[] } {
  const { chunks, comments } = splitStatements(file.text);
  const spans = chunks.map((c) => c.span);
  // The recogniser first (a few µs a statement); what it is not sure of goes to ohm, the grammar of
  // record, which also reports every syntax error.
  const results: (StatementMatch | null)[] = spans.map((span) => {
    const statement = recogniseStatement(file.text.slice(span.start, span.end), span.start);
    return statement ? { ok: true, statement } : null;
  });
  const rest = spans.filter((_, i) => results[i] === null);
  if (rest.length > 0) {
    const matched = (options.matchMany ?? matchStatements)(file.text, rest);
    let next = 0;
    for (let i = 0; i < results.length; i++) if (results[i] === null) results[i] = matched[next++]!;
  }
  const statements: Statement[] = [];
  const diagnostics: Diagnostic[] = [];
  results.forEach((result, i) => {
    if (!result) throw new Error(`statement ${i} was neither recognised nor matched`);
    if (result.ok) {
      statements.push(result.statement);
      return;
    }
    const chunk = spans[i]!;
    const expected = expectedText(result.expected);
    const found = foundText(file.text, result.at, chunk.end);
    diagnostics.push(
      diagnostic('syntaxError', {
        message: found ? `expected ${expected}, found ${found}` : `expected ${expected}`,
        file,
        span: { start: result.at, end: found ? result.at + tokenLength(file.text, result.at, chunk.end) : result.at },
        label: `expected ${expected}`,
        help: [statementHint(file.text.slice(chunk.start, chunk.end))],
      }),
    );
  });
  return { value: { kind: 'File', source: file, statements, comments }, diagnostics };
}

const TOKEN = /^(?:"[^"\n]*"?|[A-Za-z0-9_:.\/-]+|\S)/;

function tokenLength(text: string, at: number, end: number): number {
  const m = TOKEN.exec(text.slice(at, end));
  return m ? m[0].length : 1;
}

/** What stands where the grammar failed: `` `foo` ``, or null at the end of the statement. */
function foundText(text: string, at: number, end: number): string | null {
  if (at >= end) return null;
  const m = TOKEN.exec(text.slice(at, end));
  return m ? `\`${m[0]}\`` : null;
}

/** The form of the statement being read, for the help line (Elm's "while reading …"). */
function statementHint(text: string): string | undefined {
  const first = /^[A-Za-z-]+/.exec(text)?.[0];
  switch (first) {
    case 'policy':
      return 'a policy is named with `policy NAME`';
    case 'tags':
      return 'tags are declared as `tags NAME, NAME, …`';
    case 'droplets':
      return 'a droplet set is declared as `droplets NAME = "droplet-name", 12345, …`';
    case 'group':
      return 'a group is declared as `group NAME = TAG, GROUP, …`';
    case 'addresses':
      return 'an address set is declared as `addresses NAME = 10.0.0.0/8, 2001:db8::/32, …`';
    case 'service':
      return 'a service is declared as `service NAME = tcp 9100, udp 53, icmp, …`';
    case 'egress':
      return 'egress is set with `egress from TAG, … is restricted` (or `is open`)';
    case 'expect':
      return 'an expectation reads `expect SOURCE can reach DEST on SERVICES` (or `cannot`)';
    default:
      return 'a rule reads `SOURCES may reach DESTS on SERVICES` (or `must not reach`), optionally `until YYYY-MM-DD`';
  }
}
