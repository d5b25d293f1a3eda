/**
 * Managed databases: no trusted sources at all (FW805: any address with the credentials gets in), or
 * trusted sources that add up to every IPv4 address (FW806). Judged by the same engine as droplets:
 * a database admits a representative of each piece of the address space or not.
 */
import { type Host, isEmpty } from '../../analysis/index.js';
import { parseAddress, type Cidr } from '../../model/index.js';
import { makeFinding, type Finding } from '../finding.js';
import type { AuditModel } from '../model.js';

export function judgeDatabases(model: AuditModel): Finding[] {
  const findings: Finding[] = [];
  for (const db of model.account.databases) {
    const resource = { kind: 'database' as const, name: db.name, id: db.id };
    if (db.trustedSources.length === 0) {
      findings.push(
        makeFinding('databaseOpen', db.name, {
          message: `managed database ${db.name} has no trusted sources: any address that has its credentials can connect`,
          resources: [resource],
          traffic: [{ protocol: 'tcp', ports: 'all', from: 'internet (IPv4)', family: 4 }],
          causes: [],
        }),
      );
      continue;
    }
    const host: Host = { key: `database:${db.name}`, label: `database ${db.name}`, kind: 'database', tags: [], addresses: [], databaseName: db.name };
    const blocks: Cidr[] = [];
    for (const s of db.trustedSources) {
      if (s.type !== 'ip_addr') continue;
      const parsed = parseAddress(s.value);
      if (parsed.ok) blocks.push(parsed.cidr);
    }
    const pieces = model.space.pieces(4, blocks, true);
    if (pieces.length === 0 || !pieces.every((p) => !isEmpty(model.network.allowed(p.host, host)))) continue;
    findings.push(
      makeFinding('databaseTrustsInternet', db.name, {
        message: `managed database ${db.name} trusts every IPv4 address (${db.trustedSources.filter((s) => s.type === 'ip_addr').map((s) => s.value).join(', ')})`,
        resources: [resource],
        traffic: [{ protocol: 'tcp', ports: 'all', from: 'internet (IPv4)', family: 4 }],
        causes: [],
      }),
    );
  }
  return findings;
}
