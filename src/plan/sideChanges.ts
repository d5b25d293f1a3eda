import type { Host, Network } from '../analysis/index.js';
import { ruleKey, type Firewall } from '../model/index.js';

/**
 * Which hosts see a different side of the firewalls in the new state. A flow src → dst can change only
 * if dst's inbound rules or src's outbound rules do, so large plans judge only the pairs that touch a
 * changed host instead of every pair (DigitalOcean semantics: network.ts).
 */
export class SideChanges {
  private readonly sigs = new WeakMap<Firewall, Record<'inbound' | 'outbound', string>>();
  private readonly inbound = new Map<string, boolean>();
  private readonly outbound = new Map<string, boolean>();

  constructor(
    private readonly oldNet: Network,
    private readonly newNet: Network,
  ) {}

  private sig(fw: Firewall, direction: 'inbound' | 'outbound'): string {
    let s = this.sigs.get(fw);
    if (!s) {
      const side = (d: 'inbound' | 'outbound') => fw.rules.filter((r) => r.direction === d).map(ruleKey).sort().join(',');
      s = { inbound: side('inbound'), outbound: side('outbound') };
      this.sigs.set(fw, s);
    }
    return s[direction];
  }

  private side(net: Network, host: Host, direction: 'inbound' | 'outbound'): string {
    const fws = net.firewallsOf(host);
    // No firewall at all is open; a firewall with no rules on this side is closed: not the same.
    return fws.length === 0 ? 'open' : fws.map((f) => this.sig(f, direction)).sort().join('|');
  }

  changed(host: Host, direction: 'inbound' | 'outbound'): boolean {
    // Databases: their trusted sources may change; they are few, so always judged.
    if (host.kind === 'database') return true;
    const memo = direction === 'inbound' ? this.inbound : this.outbound;
    let hit = memo.get(host.key);
    if (hit === undefined) {
      hit = this.side(this.oldNet, host, direction) !== this.side(this.newNet, host, direction);
      memo.set(host.key, hit);
    }
    return hit;
  }
}
