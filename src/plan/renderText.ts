/**
 * The plan for a terminal, after Terraform's plan renderer: `+`/`~`/`-` columns, rules column-aligned and
 * sorted by key whatever their action (so a port change reads as adjacent `-`/`+` lines), unchanged
 * rules counted not listed, the statement that produced each added rule, reachability changes, warnings
 * and a `Plan:` summary. Colour comes only from the Style argument.
 */
import { MANAGED_PREFIX } from '../model/index.js';
import { mapStrings, PLAIN, printable, type Style } from '../diagnostics/index.js';
import { compareRuleDocs, type FirewallChangeDoc, type PlanDocument, type RuleDoc } from './document.js';
import type { FlowChange } from './types.js';
import { names } from './names.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function ruleLine(sign: '+' | '-', r: RuleDoc, withOrigin: boolean): string {
  const dir = r.direction.padEnd(8);
  const action = r.action === 'deny' ? 'deny ' : '';
  const proto = r.protocol.padEnd(4);
  const ports = (r.protocol === 'icmp' ? '' : r.ports).padEnd(11);
  const peer = `${r.direction === 'inbound' ? 'from' : 'to  '} ${r.peerName ?? r.peer}`;
  const text = `${sign} ${dir} ${action}${proto} ${ports} ${peer}`;
  return withOrigin && r.origin ? `${text.padEnd(64)} # ${r.origin}` : text;
}

function firewallBlock(f: FirewallChangeDoc, style: Style): string[] {
  const paint = f.action === 'create' ? style.added : f.action === 'delete' ? style.removed : style.changed;
  const sign = f.action === 'create' ? '+' : f.action === 'delete' ? '-' : '~';
  const what = f.action === 'create' ? 'created' : f.action === 'delete' ? 'destroyed' : 'updated in place';
  // A policy deletes only firewalls named fwc-… (its own) and those it replaces: any other name is one
  // that a `replaces firewall` line hands over.
  const replaced = f.action === 'delete' && !f.name.toLowerCase().startsWith(MANAGED_PREFIX);
  const lines = [style.bold(`  # firewall ${f.name} will be ${what}${replaced ? ' (replaced by the policy)' : ''}`), `  ${paint(sign)} firewall "${f.name}" {`];
  if (f.action === 'delete') {
    lines.push(style.dim(`        # (${plural(f.rules.remove.length, 'rule')} removed with it)`), '    }');
    return lines;
  }
  if (f.tags.add.length > 0) lines.push(`      ${style.added('+')} tags     = [${f.tags.add.map((t) => `"${t}"`).join(', ')}]`);
  if (f.tags.remove.length > 0) lines.push(`      ${style.removed('-')} tags     = [${f.tags.remove.map((t) => `"${t}"`).join(', ')}]`);
  const droplet = (id: number) => (f.dropletNames?.[String(id)] !== undefined ? `${f.dropletNames[String(id)]} (${id})` : String(id));
  if (f.droplets.add.length > 0) lines.push(`      ${style.added('+')} droplets = [${f.droplets.add.map(droplet).join(', ')}]`);
  if (f.droplets.remove.length > 0) lines.push(`      ${style.removed('-')} droplets = [${f.droplets.remove.map(droplet).join(', ')}]`);
  const rules = [...f.rules.remove.map((r) => ({ r, sign: '-' as const })), ...f.rules.add.map((r) => ({ r, sign: '+' as const }))].sort(
    (a, b) => compareRuleDocs(a.r, b.r) || (a.sign === '-' ? -1 : 1),
  );
  for (const { r, sign: s } of rules) {
    const text = ruleLine(s, r, s === '+');
    lines.push(`      ${s === '+' ? style.added(text) : style.removed(text)}`);
  }
  for (const u of f.rules.unreadable ?? []) {
    lines.push(`      ${style.removed(`- ${u.direction.padEnd(8)} ${u.rule}`)}  ${style.dim(`# unreadable: ${u.reason}`)}`);
  }
  if (f.rules.unchanged > 0) lines.push(style.dim(`        # (${plural(f.rules.unchanged, 'unchanged rule')} hidden)`));
  lines.push('    }');
  return lines;
}

export function renderText(raw: PlanDocument, style: Style = PLAIN): string {
  // Names come from the API and from policies: no control character reaches the terminal.
  const doc = mapStrings(raw, (s) => printable(s));
  const s = doc.summary;
  const out: string[] = [];
  if (!s.changes) {
    out.push(doc.kind === 'diff' ? 'No changes. Both versions compile to the same firewalls.' : 'No changes. Live firewalls match the policy.');
  } else {
    const legend = [
      s.tagsToCreate + s.firewallsToCreate > 0 ? `${style.added('+')} create` : null,
      s.firewallsToUpdate + s.databasesToUpdate > 0 ? `${style.changed('~')} update in place` : null,
      s.firewallsToDelete > 0 ? `${style.removed('-')} destroy` : null,
    ].filter(Boolean);
    out.push(`fwc will perform the following actions (${legend.join(', ')}):`, '');
    for (const t of doc.tags.create) out.push(`  ${style.added('+')} tag "${t}"`);
    if (doc.tags.create.length > 0) out.push('');
    for (const f of doc.firewalls) out.push(...firewallBlock(f, style), '');
    for (const d of doc.databases) {
      out.push(style.bold(`  # database ${d.name}: trusted sources will be replaced`), `  ${style.changed('~')} database "${d.name}" {`);
      const rows = [...d.sources.remove.map((x) => ({ x, s: '-' })), ...d.sources.add.map((x) => ({ x, s: '+' }))].sort((a, b) =>
        `${a.x.type}:${a.x.value}` < `${b.x.type}:${b.x.value}` ? -1 : 1,
      );
      for (const { x, s: sign } of rows) {
        const text = `${sign} ${x.type.padEnd(8)} ${x.value}`;
        out.push(`      ${sign === '+' ? style.added(text) : style.removed(text)}`);
      }
      if (d.sources.unchanged > 0) out.push(style.dim(`        # (${plural(d.sources.unchanged, 'unchanged source')} hidden)`));
      out.push('    }', '');
    }
  }
  const { allowed, blocked } = doc.reachability;
  if (allowed.length + blocked.length > 0) {
    out.push(style.bold(s.changes ? 'Reachability changes:' : 'Reachability changes (while the rules are the same):'));
    const flow = (f: FlowChange) => `${names(f.from)} → ${names(f.to)}`;
    const width = Math.min(48, Math.max(...[...allowed, ...blocked].map((f) => flow(f).length)));
    for (const f of allowed) out.push(`  ${style.added('+')} ${flow(f).padEnd(width)}  ${f.services}`);
    for (const f of blocked) out.push(`  ${style.removed('-')} ${flow(f).padEnd(width)}  ${f.services}`);
    out.push('');
  } else if (s.changes) {
    out.push('No reachability changes.', '');
  }
  if (doc.warnings.length > 0) {
    out.push(style.warning(style.bold('Warnings:')));
    for (const w of doc.warnings) out.push(`  ${style.warning('!')} ${w.message}`);
    out.push('');
  }
  if (s.changes) {
    const parts = [`${s.firewallsToCreate} to add, ${s.firewallsToUpdate} to change, ${s.firewallsToDelete} to destroy`];
    if (s.tagsToCreate > 0) parts.push(`${plural(s.tagsToCreate, 'tag')} to create`);
    if (s.databasesToUpdate > 0) parts.push(`${plural(s.databasesToUpdate, 'database')} to update`);
    const extra = doc.kind === 'plan' && s.unmanagedFirewalls > 0 ? ` (${plural(s.unmanagedFirewalls, 'unmanaged firewall')} left alone)` : '';
    out.push(`${style.bold('Plan:')} ${parts.join('; ')}.${extra}`);
  } else if (out[out.length - 1] === '') {
    out.pop();
  }
  return out.join('\n') + '\n';
}
