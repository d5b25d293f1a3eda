/**
 * The plan as a pull-request comment: a summary table, reachability changes first (who can newly reach
 * whom, and who no longer can) with a Mermaid diagram, then rule changes in collapsible sections, then
 * warnings. It stays under GitHub's comment limit by giving up detail in steps — rule lines, then long
 * flow lists, then the diagram — and says what it left out.
 */
import { MANAGED_PREFIX } from '../model/index.js';
import type { FlowChange } from './types.js';
import { mapStrings, markdownSafe } from '../diagnostics/index.js';
import { compareRuleDocs, type FirewallChangeDoc, type PlanDocument, type RuleDoc } from './document.js';

/** How many edges the Mermaid diagram draws (the table below it has every flow), and how long a label may be. */
const DIAGRAM_EDGES = 50;
const DIAGRAM_LABEL = 40;

/** GitHub refuses comments over 65,536 characters; keep a margin for the marker and edits. */
export const MARKDOWN_LIMIT = 65_000;

const escapeCell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function ruleText(sign: string, r: RuleDoc): string {
  const deny = r.action === 'deny' ? 'deny ' : '';
  const ports = r.protocol === 'icmp' ? '' : ` ${r.ports}`;
  return `${sign} ${r.direction} ${deny}${r.protocol}${ports} ${r.direction === 'inbound' ? 'from' : 'to'} ${r.peerName ?? r.peer}${sign === '+' && r.origin ? `   # ${r.origin}` : ''}`;
}

interface Detail {
  readonly maxRuleLines: number;
  readonly maxFlows: number;
  readonly diagram: boolean;
}

const LEVELS: readonly Detail[] = [
  { maxRuleLines: Infinity, maxFlows: Infinity, diagram: true },
  { maxRuleLines: 40, maxFlows: 200, diagram: true },
  { maxRuleLines: 0, maxFlows: 60, diagram: true },
  { maxRuleLines: 0, maxFlows: 15, diagram: false },
];

function flowTable(title: string, flows: readonly FlowChange[], max: number): string[] {
  if (flows.length === 0) return [];
  const out = [`**${title}** (${flows.length})`, '', '| From | To | Services |', '| --- | --- | --- |'];
  for (const f of flows.slice(0, max)) out.push(`| ${escapeCell(f.from.join(', '))} | ${escapeCell(f.to.join(', '))} | ${escapeCell(f.services)} |`);
  if (flows.length > max) out.push(`| … | ${flows.length - max} more | (see \`fwc plan\` text output) |`);
  out.push('');
  return out;
}

function diagram(doc: PlanDocument): string[] {
  const edges = [
    ...doc.reachability.allowed.map((f) => ({ f, allowed: true })),
    ...doc.reachability.blocked.map((f) => ({ f, allowed: false })),
  ].flatMap(({ f, allowed }) =>
    f.fromTags.flatMap((from) => f.toTags.map((to) => ({ from, to, services: f.services, allowed }))),
  );
  if (edges.length === 0) return [];
  const ids = new Map<string, string>();
  const node = (name: string) => {
    let id = ids.get(name);
    if (!id) ids.set(name, (id = `n${ids.size}`));
    return id;
  };
  const lines: string[] = [];
  const shown = edges.slice(0, DIAGRAM_EDGES);
  for (const { from, to, services, allowed } of shown) {
    const a = node(from);
    const b = node(to);
    const label = services.replaceAll('"', "'").replaceAll('|', '/').slice(0, DIAGRAM_LABEL);
    lines.push(allowed ? `  ${a} -->|"+ ${label}"| ${b}` : `  ${a} -.->|"- ${label}"| ${b}`);
  }
  return [
    '```mermaid',
    'graph LR',
    ...[...ids].map(([name, id]) => `  ${id}["${name.replaceAll('"', "'")}"]`),
    ...lines,
    '```',
    edges.length > shown.length ? `_${edges.length - shown.length} more edges not drawn._` : '',
    '',
  ];
}

function firewallSection(f: FirewallChangeDoc, detail: Detail): string[] {
  const sign = f.action === 'create' ? '+' : f.action === 'delete' ? '-' : '~';
  const counts = [
    f.rules.add.length > 0 ? `+${f.rules.add.length}` : '',
    f.rules.remove.length + (f.rules.unreadable?.length ?? 0) > 0 ? `−${f.rules.remove.length + (f.rules.unreadable?.length ?? 0)}` : '',
    f.rules.unchanged > 0 ? `${f.rules.unchanged} unchanged` : '',
  ].filter(Boolean);
  const extra = [
    f.tags.add.length + f.tags.remove.length > 0 ? 'tags changed' : '',
    f.droplets.add.length + f.droplets.remove.length > 0 ? 'droplets changed' : '',
  ].filter(Boolean);
  // Deleted and not named fwc-…: a firewall a `replaces firewall` line hands over (see renderText.ts).
  const verb = f.action === 'create' ? 'create' : f.action === 'delete' ? (f.name.toLowerCase().startsWith(MANAGED_PREFIX) ? 'destroy' : 'destroy (replaced by the policy)') : 'update';
  const detailText = [counts.length > 0 ? `rules ${counts.join(', ')}` : '', ...extra].filter(Boolean).join('; ');
  const summary = `<code>${sign} ${f.name}</code> — ${verb}${detailText ? ` (${detailText})` : ''}`;
  if (detail.maxRuleLines === 0) return [`- ${summary}`];
  const rows = [...f.rules.remove.map((r) => ({ r, s: '-' })), ...f.rules.add.map((r) => ({ r, s: '+' }))].sort(
    (a, b) => compareRuleDocs(a.r, b.r) || (a.s === '-' ? -1 : 1),
  );
  const lines = [
    ...f.tags.add.map((t) => `+ tag ${t}`),
    ...f.tags.remove.map((t) => `- tag ${t}`),
    ...f.droplets.add.map((d) => `+ droplet ${f.dropletNames?.[String(d)] !== undefined ? `${f.dropletNames[String(d)]} (${d})` : d}`),
    ...f.droplets.remove.map((d) => `- droplet ${f.dropletNames?.[String(d)] !== undefined ? `${f.dropletNames[String(d)]} (${d})` : d}`),
    ...rows.map(({ r, s }) => ruleText(s, r)),
    ...(f.rules.unreadable ?? []).map((u) => `- ${u.direction} ${u.rule}   # unreadable: ${u.reason}`),
  ];
  const shown = lines.slice(0, detail.maxRuleLines);
  return [
    '<details>',
    `<summary>${summary}</summary>`,
    '',
    '```diff',
    ...shown,
    ...(lines.length > shown.length ? [`# … ${lines.length - shown.length} more lines`] : []),
    '```',
    '</details>',
    '',
  ];
}

function render(doc: PlanDocument, detail: Detail): string {
  const s = doc.summary;
  const title = doc.kind === 'diff' ? 'fwc diff' : 'fwc plan';
  const out: string[] = [];
  if (!s.changes && s.flowsAllowed + s.flowsBlocked === 0) {
    out.push(`### ${title}: no changes`, '', doc.kind === 'diff' ? 'Both versions compile to the same firewalls.' : 'Live firewalls match the policy.', '');
  } else {
    out.push(
      `### ${title}: ${s.firewallsToCreate} to add, ${s.firewallsToUpdate} to change, ${s.firewallsToDelete} to destroy`,
      '',
      '| | |',
      '| --- | ---: |',
      `| Flows newly allowed | ${s.flowsAllowed} |`,
      `| Flows newly blocked | ${s.flowsBlocked} |`,
      `| Firewalls to create | ${s.firewallsToCreate} |`,
      `| Firewalls to update | ${s.firewallsToUpdate} |`,
      `| Firewalls to destroy | ${s.firewallsToDelete} |`,
      ...(s.tagsToCreate > 0 ? [`| Tags to create | ${s.tagsToCreate} |`] : []),
      ...(s.databasesToUpdate > 0 ? [`| Databases to update | ${s.databasesToUpdate} |`] : []),
      ...(doc.kind === 'plan' ? [`| Unmanaged firewalls (left alone) | ${s.unmanagedFirewalls} |`] : []),
      ...(s.warnings > 0 ? [`| Warnings | ${s.warnings} |`] : []),
      '',
    );
    if (s.flowsAllowed + s.flowsBlocked > 0) {
      out.push('#### Reachability changes', '');
      out.push(...flowTable('Newly allowed', doc.reachability.allowed, detail.maxFlows));
      out.push(...flowTable('Newly blocked', doc.reachability.blocked, detail.maxFlows));
      if (detail.diagram) out.push(...diagram(doc));
    } else if (s.changes) {
      out.push('No reachability changes.', '');
    }
    if (doc.firewalls.length + doc.databases.length + doc.tags.create.length > 0) {
      out.push('#### Rule changes', '');
      if (doc.tags.create.length > 0) out.push(`Tags to create: ${doc.tags.create.map((t) => `\`${t}\``).join(', ')}`, '');
      for (const f of doc.firewalls) out.push(...firewallSection(f, detail));
      for (const d of doc.databases) {
        const rows = [...d.sources.remove.map((x) => `- ${x.type} ${x.value}`), ...d.sources.add.map((x) => `+ ${x.type} ${x.value}`)];
        out.push(
          '<details>',
          `<summary><code>~ database ${d.name}</code> — trusted sources replaced (${d.sources.add.length} added, ${d.sources.remove.length} removed, ${d.sources.unchanged} unchanged)</summary>`,
          '',
          '```diff',
          ...rows,
          '```',
          '</details>',
          '',
        );
      }
      if (detail.maxRuleLines === 0) out.push('', '_Rule lines left out to fit the comment; run `fwc plan` for them._', '');
    }
  }
  if (doc.warnings.length > 0) {
    out.push('#### Warnings', '');
    for (const w of doc.warnings) out.push(`- :warning: ${w.message.replaceAll('\n', ' ')}`);
    out.push('');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

export function renderMarkdown(raw: PlanDocument, limit = MARKDOWN_LIMIT): string {
  // Nothing from the API or a policy can close a code block, open an HTML comment or break a table.
  const doc = mapStrings(raw, markdownSafe);
  for (const detail of LEVELS) {
    const text = render(doc, detail);
    if (text.length <= limit) return text;
  }
  const text = render(doc, LEVELS[LEVELS.length - 1]!);
  const note = '\n\n_The plan is too large for one comment and was cut here; run `fwc plan` for all of it._\n';
  return text.slice(0, limit - note.length) + note;
}
