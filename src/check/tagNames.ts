/**
 * Tag names as DigitalOcean sees them: two declared tags may not differ only in case (DigitalOcean
 * tags are case-insensitive), and no two tags may map to the same firewall name.
 *
 *     tags web, Web        # FW206
 *     tags db_1, db-1      # FW207: both would be fwc-shop-db-1
 */
import type { CheckContext } from './context.js';
import { firewallName } from '../model/index.js';
import type { DropletSetDecl, TagDecl } from './policy.js';

export function checkTagNames(ctx: CheckContext, policy: string, tags: readonly TagDecl[], sets: readonly DropletSetDecl[] = []): void {
  const byLower = new Map<string, TagDecl>();
  const byFirewall = new Map<string, TagDecl>();
  for (const tag of tags) {
    const lower = tag.name.toLowerCase();
    const twin = byLower.get(lower);
    if (twin) {
      ctx.report('tagCaseCollision', {
        message: `tags \`${twin.name}\` and \`${tag.name}\` differ only in case`,
        span: tag.span,
        label: 'the same DigitalOcean tag',
        secondary: [{ file: ctx.file, span: twin.span, message: 'declared here' }],
        notes: ['DigitalOcean tags are case-insensitive: both names would select the same droplets'],
        help: ['use one spelling'],
      });
      continue;
    }
    byLower.set(lower, tag);
    const name = firewallName(policy, tag.name).toLowerCase();
    const clash = byFirewall.get(name);
    if (clash) {
      ctx.report('firewallNameCollision', {
        message: `tags \`${clash.name}\` and \`${tag.name}\` would both have the firewall \`${firewallName(policy, tag.name)}\``,
        span: tag.span,
        label: 'same firewall name',
        secondary: [{ file: ctx.file, span: clash.span, message: 'declared here' }],
        notes: ['firewall names cannot hold `_` or `:`, so fwc writes them as `-`'],
        help: ['rename one of the tags'],
      });
      continue;
    }
    byFirewall.set(name, tag);
  }
  // A droplet set's firewall is named like a tag's, so it must not meet one.
  for (const set of sets) {
    const name = firewallName(policy, set.name).toLowerCase();
    const clash = byFirewall.get(name);
    if (clash) {
      ctx.report('firewallNameCollision', {
        message: `\`${clash.name}\` and droplet set \`${set.name}\` would both have the firewall \`${firewallName(policy, set.name)}\``,
        span: set.span,
        label: 'same firewall name',
        secondary: [{ file: ctx.file, span: clash.span, message: 'declared here' }],
        notes: ['firewall names cannot hold `_` or `:`, so fwc writes them as `-`'],
        help: ['rename one of them'],
      });
      continue;
    }
    byFirewall.set(name, { name: set.name, span: set.span });
  }
}
