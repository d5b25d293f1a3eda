/**
 * What the plan's warning rules read: the account, the networks before and after, the hosts judged, and
 * (for the full plan) the built policies and the desired state. Values several rules need are worked out
 * once, on first use.
 */
import { Network, type Host } from '../../analysis/index.js';
import { Findings } from '../../diagnostics/index.js';
import type { Firewall } from '../../model/index.js';
import type { BuiltPolicy } from '../../pipeline/index.js';
import { dropletClasses } from '../hosts.js';
import type { ResolvedDesired } from '../resolve.js';
import type { Account, LiveFirewall } from '../types.js';

/** What the lockout guards need: the account and the two networks alone (a saved plan has no more). */
export interface GuardInput {
  readonly account: Account;
  readonly oldNet: Network;
  readonly newNet: Network;
  readonly hosts: readonly Host[];
  readonly allFirewalls: readonly Firewall[];
}

export interface WarningInput extends GuardInput {
  readonly built: readonly BuiltPolicy[];
  readonly desired: ResolvedDesired;
  readonly unmanaged: readonly LiveFirewall[];
  readonly kind: 'plan' | 'diff';
}

export class GuardContext<I extends GuardInput = GuardInput> extends Findings {
  #classes: ReturnType<typeof dropletClasses> | undefined;
  #byId: ReadonlyMap<number, Account['droplets'][number]> | undefined;
  #byHost: ReadonlyMap<string, ReturnType<typeof dropletClasses>[number]> | undefined;

  constructor(readonly input: I) {
    super();
  }

  /** The account's droplets grouped into the classes the hosts stand for. */
  get classes(): ReturnType<typeof dropletClasses> {
    return (this.#classes ??= dropletClasses(this.input.account, this.input.allFirewalls));
  }

  /** The class of droplets a host stands for, if it stands for one. */
  classOf(host: Host): ReturnType<typeof dropletClasses>[number] | undefined {
    if (!this.#byHost) {
      const byHost = new Map<string, ReturnType<typeof dropletClasses>[number]>();
      for (const c of this.classes) if (!byHost.has(c.host.key)) byHost.set(c.host.key, c);
      this.#byHost = byHost;
    }
    return this.#byHost.get(host.key);
  }

  /** `name (id)` of a droplet, or its id alone when the account does not know it. */
  dropletLabel(id: number): string {
    this.#byId ??= new Map(this.input.account.droplets.map((d) => [d.id, d]));
    return `${this.#byId.get(id)?.name ?? id} (${id})`;
  }
}

export class PlanContext extends GuardContext<WarningInput> {
  #desiredOnly: Network | undefined;

  /** The policies' own firewalls alone, on the same port atoms as the new network. */
  get desiredOnly(): Network {
    return (this.#desiredOnly ??= new Network(this.input.desired.firewalls, [], this.input.newNet.atoms));
  }
}
