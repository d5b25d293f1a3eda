/**
 * What the lints read: one policy and its compiled firewalls; and for those that judge flows, the network
 * every compiled policy makes together (a grant of one policy may be overridden by another's guardrail on
 * the same droplets).
 */
import type { Policy } from '../../check/index.js';
import { Findings } from '../../diagnostics/index.js';
import type { Firewall } from '../../model/index.js';
import type { Network } from '../network.js';
import { Representatives } from '../representatives.js';

export class LintContext extends Findings {
  #reps: Representatives | undefined;

  constructor(
    readonly policy: Policy,
    /** The policy's own compiled firewalls. */
    readonly firewalls: readonly Firewall[],
  ) {
    super();
  }

  /** The hosts the policy's endpoints are judged on, with no account at hand. */
  get reps(): Representatives {
    return (this.#reps ??= new Representatives(this.policy.namedAddresses));
  }
}

/** A lint context with the network, for the analyses that judge flows. */
export class NetworkLintContext extends LintContext {
  constructor(
    policy: Policy,
    firewalls: readonly Firewall[],
    readonly network: Network,
  ) {
    super(policy, firewalls);
  }
}
