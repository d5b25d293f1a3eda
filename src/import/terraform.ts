/**
 * Terraform as a source of firewalls to import: `terraform show -json` output (format_version 1.x, the
 * resources under values.root_module and its child modules) or a `terraform.tfstate` (version 4, the
 * resources with their instances). Each `digitalocean_firewall` becomes a firewall as the API would give
 * it, from its attributes (`inbound_rule`/`outbound_rule` blocks with `port_range`, `source_tags`,
 * `source_droplet_ids`, `source_load_balancer_uids`, `source_kubernetes_ids`, `source_addresses`, and
 * the `destination_…` ones), and is matched to the account's firewall by id (by name when the state's id
 * is not in the account), since that is the firewall the policy replaces. The names of the droplets,
 * load balancers and clusters the rules name by id are the account's (the state holds ids only in
 * rules); the proof then compares with the account as it is, so drift between state and account shows.
 */
import { readFileSync } from 'node:fs';
import { parseAddress } from '../model/index.js';
import { firewallFromApi, type ApiRuleLike, type ApiTargetLike } from '../digitalocean/index.js';
import type { Account, LiveFirewall } from '../plan/index.js';

export interface TerraformFirewalls {
  readonly firewalls: readonly LiveFirewall[];
  /** Why the state cannot be imported (nothing is written then). */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

type Attributes = Record<string, unknown>;

interface StateResource {
  readonly address: string;
  readonly attributes: Attributes;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((x) => typeof x === 'string' || typeof x === 'number').map(String);

/** Every resource instance of a state or of `terraform show -json` output, with its type. */
export function stateResources(doc: unknown): { resources: (StateResource & { type: string; mode: string })[]; problems: string[] } {
  if (doc === null || typeof doc !== 'object') return { resources: [], problems: ['it is not a JSON object'] };
  const d = doc as Record<string, unknown>;
  const out: (StateResource & { type: string; mode: string })[] = [];
  if (d.values !== undefined || typeof d.format_version === 'string') {
    // `terraform show -json`: values.root_module.resources and child_modules, recursively.
    const walk = (module: unknown) => {
      if (module === null || typeof module !== 'object') return;
      const m = module as Record<string, unknown>;
      for (const r of list(m.resources) as Record<string, unknown>[]) {
        out.push({ type: String(r.type), mode: String(r.mode ?? 'managed'), address: String(r.address ?? `${String(r.type)}.${String(r.name)}`), attributes: (r.values ?? {}) as Attributes });
      }
      for (const c of list(m.child_modules)) walk(c);
    };
    walk((d.values as Record<string, unknown> | undefined)?.root_module);
    return { resources: out, problems: [] };
  }
  if (d.version === 4 && Array.isArray(d.resources)) {
    for (const r of d.resources as Record<string, unknown>[]) {
      const mode = String(r.mode ?? 'managed');
      const base = `${typeof r.module === 'string' ? `${r.module}.` : ''}${mode === 'data' ? 'data.' : ''}${String(r.type)}.${String(r.name)}`;
      for (const inst of list(r.instances) as Record<string, unknown>[]) {
        const key = inst.index_key === undefined ? '' : typeof inst.index_key === 'number' ? `[${inst.index_key}]` : `["${String(inst.index_key)}"]`;
        out.push({ type: String(r.type), mode, address: base + key, attributes: (inst.attributes ?? {}) as Attributes });
      }
    }
    return { resources: out, problems: [] };
  }
  if (typeof d.version === 'number') return { resources: [], problems: [`it is a state of version ${d.version}; fwc reads version 4 (Terraform 0.12 and later) or \`terraform show -json\` output`] };
  return { resources: [], problems: ['it is neither a terraform.tfstate (version 4) nor `terraform show -json` output'] };
}

/** Every managed `digitalocean_firewall` instance. */
export function firewallResources(doc: unknown): { resources: StateResource[]; problems: string[] } {
  const all = stateResources(doc);
  return { resources: all.resources.filter((r) => r.type === 'digitalocean_firewall' && r.mode === 'managed').map(({ address, attributes }) => ({ address, attributes })), problems: all.problems };
}

/**
 * The account as the state knows it, for an import with no token: its droplets (tags and addresses),
 * load balancers, clusters (and their nodes), VPCs and firewalls. What the state does not hold (resources
 * made outside Terraform) is not there: the proof is then against the state, and `fwc plan` judges the
 * policy against the account itself.
 */
export function accountFromState(doc: unknown): Account {
  const { resources } = stateResources(doc);
  const of = (type: string) => resources.filter((r) => r.type === type).map((r) => r.attributes);
  const addresses = (a: Attributes) =>
    ['ipv4_address', 'ipv4_address_private', 'ipv6_address']
      .map((k) => (typeof a[k] === 'string' && a[k] !== '' ? parseAddress(a[k] as string) : null))
      .flatMap((p) => (p?.ok ? [p.cidr] : []));
  const clusters = of('digitalocean_kubernetes_cluster').map((c) => ({ id: String(c.id), name: String(c.name), nodes: (list(c.node_pool) as Attributes[]).flatMap((p) => (list(p.nodes) as Attributes[]).map((n) => Number(n.droplet_id))) }));
  const droplets = of('digitalocean_droplet').map((d) => {
    const id = Number(d.id);
    const nodeOf = clusters.filter((c) => c.nodes.includes(id)).flatMap((c) => ['k8s', `k8s:${c.id}`]);
    return { id, name: String(d.name), tags: [...strings(d.tags), ...nodeOf], addresses: addresses(d), ...(typeof d.vpc_uuid === 'string' ? { vpcId: d.vpc_uuid } : {}) };
  });
  const firewalls = firewallResources(doc).resources.map(({ attributes: a }) => firewallFromState(a, String(a.id ?? '')));
  return {
    firewalls,
    tags: [...new Set([...of('digitalocean_tag').map((t) => String(t.name)), ...droplets.flatMap((d) => d.tags)])],
    droplets,
    loadBalancers: of('digitalocean_loadbalancer').map((l) => ({ id: String(l.id), name: String(l.name), ...(typeof l.ip === 'string' ? { ip: l.ip } : {}) })),
    clusters: clusters.map(({ id, name }) => ({ id, name })),
    databases: [],
    vpcs: of('digitalocean_vpc').map((v) => ({ id: String(v.id), name: String(v.name), ipRange: String(v.ip_range) })),
  };
}

function firewallFromState(a: Attributes, id: string) {
  return firewallFromApi({
    id,
    name: typeof a.name === 'string' ? a.name : '',
    tags: strings(a.tags),
    droplet_ids: strings(a.droplet_ids).map(Number),
    inbound_rules: (list(a.inbound_rule) as Attributes[]).map((b) => ruleOf(b, 'source')),
    outbound_rules: (list(a.outbound_rule) as Attributes[]).map((b) => ruleOf(b, 'destination')),
  });
}

/** A rule block of the provider as the API's rule. */
function ruleOf(block: Attributes, side: 'source' | 'destination'): ApiRuleLike {
  const target: ApiTargetLike = {
    addresses: strings(block[`${side}_addresses`]),
    droplet_ids: strings(block[`${side}_droplet_ids`]).map(Number),
    tags: strings(block[`${side}_tags`]),
    load_balancer_uids: strings(block[`${side}_load_balancer_uids`]),
    kubernetes_ids: strings(block[`${side}_kubernetes_ids`]),
  };
  const protocol = String(block.protocol ?? '');
  const ports = typeof block.port_range === 'string' && block.port_range !== '' ? block.port_range : protocol === 'icmp' ? null : 'all';
  return { protocol, ...(ports !== null ? { ports } : {}), ...(typeof block.action === 'string' ? { action: block.action } : {}), [side === 'source' ? 'sources' : 'destinations']: target };
}

/** Reads a state file: the parsed JSON, or why not. */
export function readState(path: string): { doc: unknown } | { problem: string } {
  try {
    return { doc: JSON.parse(readFileSync(path, 'utf8')) };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { problem: e.code ? `cannot read ${path}: ${e.code}` : `${path} is not JSON: ${e.message}` };
  }
}

export function terraformFirewalls(path: string, account: Account, doc?: unknown): TerraformFirewalls {
  if (doc === undefined) {
    const read = readState(path);
    if ('problem' in read) return { firewalls: [], problems: [read.problem], notes: [] };
    doc = read.doc;
  }
  const found = firewallResources(doc);
  if (found.problems.length > 0) return { firewalls: [], problems: found.problems.map((p) => `${path}: ${p}`), notes: [] };
  if (found.resources.length === 0) return { firewalls: [], problems: [`${path} has no digitalocean_firewall resource`], notes: [] };
  const problems: string[] = [];
  const notes: string[] = [];
  const firewalls: LiveFirewall[] = [];
  for (const { address, attributes: a } of found.resources) {
    const id = typeof a.id === 'string' ? a.id : '';
    const name = typeof a.name === 'string' ? a.name : '';
    let live = account.firewalls.find((f) => f.id === id);
    if (!live) {
      const byName = account.firewalls.filter((f) => f.name === name);
      if (byName.length !== 1) {
        problems.push(`${address} (firewall ${name || '?'}, id ${id || '?'}) is not in the account${byName.length > 1 ? `: ${byName.length} firewalls have its name` : ''}; run \`terraform plan\` to see whether it was deleted, or use the token of its account`);
        continue;
      }
      live = byName[0]!;
      notes.push(`${address}: id ${id || '?'} is not in the account; matched firewall ${name} (${live.id}) by name`);
    }
    const read = firewallFromState(a, live.id);
    for (const p of read.problems) problems.push(`${address}: ${p}`);
    if (read.fingerprint !== live.fingerprint) notes.push(`${address}: the state differs from the account's firewall ${live.name} (drift); the proof compares with the account`);
    firewalls.push(read);
  }
  return { firewalls, problems, notes };
}
