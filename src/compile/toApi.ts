/**
 * fwc's canonical firewalls in DigitalOcean's request shape: what `fwc compile` prints, saved plans keep
 * and apply sends (snake_case lives only here and in digitalocean/fromApi.ts). Every body this module
 * makes validates against the OpenAPI request schema, with the one documented exception that ICMP rules
 * carry no `ports` (see src/api/schema.ts).
 */
import type { ApiFirewall, ApiRuleBase, ApiTarget } from '../api/index.js';
import { type DatabaseTrust, type Firewall, type GroupedRule, groupRules, type Peer, type Ports, portsText, type Protocol, type TrustedSource } from '../model/index.js';

/** Where the names of resources that only the API can resolve are kept in a compiled body. */
export const UNRESOLVED_KEY = 'x-fwc-unresolved';

/** A rule's sources or destinations: the contract's shape, plus the names only plan time resolves. */
export type ApiTargetBody = ApiTarget & {
  /** Only in compiled output, before plan time: `droplet:NAME`, `load-balancer:NAME`, `cluster:NAME`. */
  [UNRESOLVED_KEY]?: string[];
};

/** A rule as fwc sends it: the contract's shape, except that ICMP rules carry no `ports` (see above). */
export type ApiRuleBody = Omit<ApiRuleBase, 'ports'> & {
  ports?: ApiRuleBase['ports'];
  sources?: ApiTargetBody;
  destinations?: ApiTargetBody;
};

/** A firewall's create or update body: the contract's fields fwc always sends, with its rule shape. */
export type ApiFirewallBody = Required<Pick<ApiFirewall, 'name'>> & {
  inbound_rules: ApiRuleBody[];
  outbound_rules: ApiRuleBody[];
  tags: NonNullable<ApiFirewall['tags']>;
  droplet_ids?: NonNullable<ApiFirewall['droplet_ids']>;
  /** Only in compiled output, before plan time: a droplet set's droplets named by name (`droplet:NAME`). */
  [UNRESOLVED_KEY]?: string[];
};

/**
 * The ports string fwc sends. NOTE: `"1-65535"` is the only all-ports form no report has seen the API
 * reject on write; `"all"` and `"0"` have both been refused at times (DO-API-FACTS.md 2.2). ICMP rules
 * are sent without `ports`, as godo, Terraform and DigitalOcean's own controller send them.
 */
export function portsToApi(protocol: Protocol, ports: Ports): string | undefined {
  if (protocol === 'icmp') return undefined;
  return ports.kind === 'all' ? '1-65535' : portsText(ports);
}

/** The sources/destinations object for a set of peers, fields in a fixed order. */
export function targetToApi(peers: readonly Peer[]): ApiTargetBody {
  const addresses: string[] = [];
  const dropletIds: number[] = [];
  const loadBalancers: string[] = [];
  const clusters: string[] = [];
  const tags: string[] = [];
  const unresolved: string[] = [];
  for (const peer of peers) {
    switch (peer.kind) {
      case 'address':
        addresses.push(peer.cidr.text);
        break;
      case 'droplet':
        dropletIds.push(peer.id);
        break;
      case 'load-balancer':
        loadBalancers.push(peer.id);
        break;
      case 'kubernetes':
        clusters.push(peer.id);
        break;
      case 'tag':
        tags.push(peer.name);
        break;
      case 'unresolved':
        unresolved.push(`${peer.resource}:${peer.name}`);
        break;
    }
  }
  const target: ApiTargetBody = {};
  if (addresses.length > 0) target.addresses = addresses;
  if (dropletIds.length > 0) target.droplet_ids = dropletIds;
  if (loadBalancers.length > 0) target.load_balancer_uids = loadBalancers;
  if (clusters.length > 0) target.kubernetes_ids = clusters;
  if (tags.length > 0) target.tags = tags;
  if (unresolved.length > 0) target[UNRESOLVED_KEY] = unresolved;
  return target;
}

/** One grouped rule as the API takes it. `action` is sent only for deny: absent means allow. */
export function ruleToApi(rule: GroupedRule): ApiRuleBody {
  const body: ApiRuleBody = { protocol: rule.protocol };
  const ports = portsToApi(rule.protocol, rule.ports);
  if (ports !== undefined) body.ports = ports;
  if (rule.action === 'deny') body.action = 'deny';
  if (rule.direction === 'inbound') body.sources = targetToApi(rule.peers);
  else body.destinations = targetToApi(rule.peers);
  return body;
}

/** Inbound and outbound rule bodies of grouped rules. */
export function rulesToApi(grouped: readonly GroupedRule[]): { inbound_rules: ApiRuleBody[]; outbound_rules: ApiRuleBody[] } {
  return {
    inbound_rules: grouped.filter((g) => g.direction === 'inbound').map(ruleToApi),
    outbound_rules: grouped.filter((g) => g.direction === 'outbound').map(ruleToApi),
  };
}

/** A firewall's create/update request body: exactly what POST /v2/firewalls and PUT take. */
export function firewallToApi(firewall: Firewall): ApiFirewallBody {
  const body: ApiFirewallBody = {
    name: firewall.name,
    ...rulesToApi(groupRules(firewall.rules)),
    tags: [...firewall.tags],
  };
  if (firewall.dropletIds.length > 0) body.droplet_ids = [...firewall.dropletIds];
  if (firewall.set && firewall.set.unresolved.length > 0) body[UNRESOLVED_KEY] = firewall.set.unresolved.map((n) => `droplet:${n}`);
  return body;
}

export interface ApiDatabaseRuleBody {
  type: 'tag' | 'ip_addr' | 'droplet' | 'k8s';
  value: string;
  uuid?: string;
}

/** A database's trusted sources as PUT /v2/databases/{uuid}/firewall takes them (names unresolved kept symbolic). */
export function trustedSourceToApi(source: TrustedSource): ApiDatabaseRuleBody {
  if (source.type === 'unresolved') {
    return { type: source.resource === 'droplet' ? 'droplet' : source.resource === 'vpc' ? 'ip_addr' : 'k8s', value: `${source.resource}:${source.name}` };
  }
  return { type: source.type, value: source.value };
}

export function databaseTrustToApi(trust: DatabaseTrust): { database: string; rules: ApiDatabaseRuleBody[] } {
  return { database: trust.database, rules: trust.sources.map(trustedSourceToApi) };
}
