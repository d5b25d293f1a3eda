/**
 * Egress: `egress from … is restricted|open` names tags, droplet sets or groups, and says it once for each.
 *
 *     egress from db is restricted
 *     egress from db is open          # FW208
 */
import { didYouMean } from '../diagnostics/index.js';
import type { Span } from '../source/index.js';
import type { EgressStmt } from '../syntax/index.js';
import { KIND_WORDS, type CheckContext } from './context.js';
import { checkReference } from './declarations.js';

export interface EgressSettings {
  readonly restricted: Set<string>;
  readonly spans: Map<string, Span>;
}

export function checkEgress(ctx: CheckContext, statements: readonly EgressStmt[]): EgressSettings {
  const restricted = new Set<string>();
  const spans = new Map<string, Span>();
  for (const stmt of statements) {
    for (const name of stmt.tags) {
      if (!checkReference(ctx, name)) continue;
      const decl = ctx.declarations.get(name.text);
      let tags: string[] = [];
      if (!decl) {
        ctx.report('unknownName', {
          message: `unknown name \`${name.text}\``,
          span: name.span,
          label: 'not a declared tag, droplet set or group',
          help: [didYouMean(name.text, ctx.namesOf('tag', 'droplets', 'group'))],
        });
      } else if (decl.kind === 'tag' || decl.kind === 'droplets') {
        tags = [decl.name.text];
      } else if (decl.kind === 'group') {
        tags = ctx.groupTags.get(decl.name.text) ?? [];
      } else {
        ctx.report('wrongKind', {
          message: `\`${name.text}\` is ${KIND_WORDS[decl.kind]}; egress is set for tags, droplet sets and groups`,
          span: name.span,
          label: KIND_WORDS[decl.kind],
        });
      }
      for (const tag of tags) {
        const previous = spans.get(tag);
        if (previous) {
          ctx.report('egressTwice', {
            message: `egress from \`${tag}\` is set twice${decl?.kind === 'group' ? ` (here through group \`${name.text}\`)` : ''}`,
            span: name.span,
            label: 'set again here',
            secondary: [{ file: ctx.file, span: previous, message: 'first set here' }],
            help: ['keep one `egress from` statement for each tag'],
          });
          continue;
        }
        spans.set(tag, name.span);
        if (stmt.mode === 'restricted') restricted.add(tag);
      }
    }
  }
  return { restricted, spans };
}
