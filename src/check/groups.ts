/**
 * Groups: each expands to tags and droplet sets; members are tags, droplet sets or groups; no group
 * contains itself.
 *
 *     group a = b
 *     group b = a         # FW203: `a` → `b` → `a`
 */
import { didYouMean } from '../diagnostics/index.js';
import { KIND_WORDS, type CheckContext } from './context.js';
import { checkReference } from './declarations.js';

export function expandGroups(ctx: CheckContext): void {
  const state = new Map<string, 'visiting' | 'done'>();

  const expand = (group: string, path: string[]): string[] => {
    const done = ctx.groupTags.get(group);
    if (done) return done;
    const decl = ctx.declarations.get(group);
    if (!decl || decl.kind !== 'group') return [];
    if (state.get(group) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(group)), group].map((g) => `\`${g}\``).join(' → ');
      ctx.report('groupCycle', {
        message: `group \`${group}\` contains itself: ${cycle}`,
        span: decl.name.span,
        label: 'part of a cycle',
        help: ['remove one of the groups from the other'],
      });
      return [];
    }
    state.set(group, 'visiting');
    const tags: string[] = [];
    for (const member of decl.decl.members) {
      if (!checkReference(ctx, member)) continue;
      const m = ctx.declarations.get(member.text);
      if (!m) {
        ctx.report('unknownName', {
          message: `unknown name \`${member.text}\``,
          span: member.span,
          label: 'not declared as a tag or group',
          help: [didYouMean(member.text, ctx.namesOf('tag', 'droplets', 'group')), 'declare it with `tags NAME`'],
        });
      } else if (m.kind === 'tag' || m.kind === 'droplets') {
        tags.push(m.name.text);
      } else if (m.kind === 'group') {
        tags.push(...expand(m.name.text, [...path, group]));
      } else {
        ctx.report('wrongKind', {
          message: `\`${member.text}\` is ${KIND_WORDS[m.kind]}; a group holds tags, droplet sets and groups`,
          span: member.span,
          label: KIND_WORDS[m.kind],
          secondary: [{ file: ctx.file, span: m.name.span, message: 'declared here' }],
        });
      }
    }
    state.set(group, 'done');
    const unique = [...new Set(tags)];
    ctx.groupTags.set(group, unique);
    return unique;
  };

  for (const decl of ctx.declarations.values()) if (decl.kind === 'group') expand(decl.name.text, []);
}
