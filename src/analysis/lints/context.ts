/**
 * What the lints read: one policy, its compiled firewalls, and the network every compiled policy makes
 * together (a grant of one policy may be overridden by another's guardrail on the same droplets).
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
    readonly network: Network,
  ) {
    super();
  }

  /** The hosts the policy's endpoints are judged on, with no account at hand. */
  get reps(): Representatives {
    return (this.#reps ??= new Representatives(this.policy.namedAddresses));
  }
}
