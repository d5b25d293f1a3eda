/**
 * Database grants from sources with restricted egress: the trusted sources admit the source, but its
 * own firewall must also let it send to the database, and DigitalOcean firewalls cannot name databases.
 *
 *     egress from api is restricted
 *     api may reach database "main-db"     # FW409
 */
import type { PolicyFindings } from './findings.js';
import { unitOf } from './endpoints.js';

export function checkDatabaseEgress(ctx: PolicyFindings): void {
  const { grants, restricted } = ctx;
  for (const grant of grants) {
    const database = grant.dests.find((d) => d.kind === 'database');
    if (!database || grant.effect !== 'allow') continue;
    const tags = [...new Set(grant.sources.map(unitOf).filter((u): u is string => u !== null && restricted.has(u)))];
    if (tags.length === 0) continue;
    ctx.report('databaseEgress', {
      message: `egress from ${tags.map((t) => `\`${t}\``).join(', ')} is restricted, so trusting ${tags.length > 1 ? 'them' : 'it'} is not enough`,
      span: database.span,
      label: 'the database also needs an outbound grant',
      help: [`grant the database's port too, for example \`${tags[0]} may reach anyone on tcp 25060\` (the port DigitalOcean shows for the database)`],
    });
  }
}
