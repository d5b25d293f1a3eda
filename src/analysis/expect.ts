/**
 * `expect` statements, judged against compiled (or live) firewalls under DigitalOcean's semantics.
 * `can` holds when every source representative reaches every destination representative on every
 * listed service; `cannot` when none does. A failure names one flow that breaks it, and why.
 */
import type { Expectation, ServiceAtom } from '../check/index.js';
import { portsText, ruleText } from '../model/index.js';
import type { NetworkLintContext } from './lints/context.js';
import type { FlowExplanation, Host, Network, RuleAt } from './network.js';
import type { Representatives } from './representatives.js';
import { EMPTY, fromParts, intersect, isEmpty, sample, single, subtract, type ServiceSet } from './serviceSet.js';

const TCP = single('tcp');

export function servicesOf(atoms: readonly ServiceAtom[]): ServiceSet {
  return fromParts(atoms.map((a) => (a.protocol === 'icmp' ? { protocol: 'icmp', from: 1, to: 65535 } : a)));
}

/** The outcome of one expectation: null when it holds, else the flow that breaks it. */
export interface ExpectationFailure {
  readonly src: Host;
  readonly dst: Host;
  readonly protocol: 'tcp' | 'udp' | 'icmp';
  readonly port: number | null;
  readonly explanation: FlowExplanation;
}

export function judge(expectation: Expectation, network: Network, reps: Representatives): ExpectationFailure | null {
  const sources = expectation.sources.flatMap((e) => reps.endpoint(e));
  const dests = expectation.dests.flatMap((e) => reps.endpoint(e));
  for (const src of sources) {
    for (const dst of dests) {
      if (src.key === dst.key && src.kind !== 'droplet') continue;
      const allowed = network.allowed(src, dst);
      let wrong: ServiceSet;
      if (expectation.services.length > 0) {
        const wanted = servicesOf(expectation.services);
        wrong = expectation.verdict === 'can' ? subtract(wanted, allowed) : intersect(wanted, allowed);
      } else {
        // A database, whose port only the account knows: `can` means some tcp connection gets through
        // (trusted sources and the source's egress), `cannot` that none does.
        const tcp = intersect(allowed, TCP);
        wrong = expectation.verdict === 'can' ? (isEmpty(tcp) ? TCP : EMPTY) : tcp;
      }
      if (isEmpty(wrong)) continue;
      const flow = sample(wrong)!;
      return { src, dst, ...flow, explanation: network.explain(src, dst, flow.protocol, flow.port) };
    }
  }
  return null;
}

function ruleLine(r: RuleAt): string {
  const origin = r.rule.origins[0];
  return `\`${ruleText(r.rule)}\` of ${r.firewall}${origin ? ` (${origin.file}:${origin.line})` : ''}`;
}

/**
 * Plain sentences that say why a flow is allowed (when it should not be) or blocked (when it should
 * not be): only the side or rules that decide it.
 */
export function explainFlow(f: ExpectationFailure, verdict: 'can' | 'cannot'): string[] {
  const notes: string[] = [];
  const e = f.explanation;
  const what = f.protocol === 'icmp' ? 'icmp' : `${f.protocol} ${f.port}`;
  if (verdict === 'can') {
    // It should flow and does not: say what blocks it.
    if (e.trusted === false) notes.push(`the database's trusted sources do not include ${f.src.label}`);
    for (const [side, s, peer] of [['inbound', e.inbound, `from ${f.src.label}`], ['outbound', e.outbound, `to ${f.dst.label}`]] as const) {
      if (!s) continue;
      for (const r of s.deniedBy) notes.push(`${side} denied by ${ruleLine(r)}`);
      if (s.deniedBy.length === 0 && s.allowedBy.length === 0) {
        notes.push(`no ${side} rule of ${s.firewalls.join(', ')} allows ${what} ${peer}${side === 'outbound' ? ' (its egress is restricted)' : ''}`);
      }
    }
    return notes;
  }
  // It should not flow and does: say what lets it through on each side.
  if (e.trusted === true) notes.push(`the database admits ${f.src.label} (its trusted sources include it, or it has none)`);
  for (const [side, s, host] of [['inbound', e.inbound, f.dst], ['outbound', e.outbound, f.src]] as const) {
    if (s) for (const r of s.allowedBy.slice(0, 3)) notes.push(`${side} allowed by ${ruleLine(r)}`);
    else if (host.kind === 'droplet') notes.push(`${host.label} has no firewall, so its ${side} traffic is not filtered`);
  }
  return notes;
}

function flowText(f: ExpectationFailure): string {
  if (f.protocol === 'icmp') return 'icmp';
  return `${f.protocol} ${portsText({ kind: 'range', from: f.port ?? 1, to: f.port ?? 1 })}`;
}

/** Judges every expectation of a policy; one FW501 error per failed expectation. */
export function expectations(ctx: NetworkLintContext): void {
  const { policy, network, reps } = ctx;
  for (const expectation of policy.expectations) {
    const failure = judge(expectation, network, reps);
    if (!failure) continue;
    const verb = expectation.verdict === 'can' ? 'cannot' : 'can';
    ctx.report('expectationFailed', {
      message: `expectation does not hold: ${failure.src.label} ${verb} reach ${failure.dst.label}${expectation.services.length > 0 ? ` on ${flowText(failure)}` : ''}`,
      file: policy.file,
      span: expectation.statement.span,
      label: `expected ${expectation.verdict === 'can' ? 'to reach' : 'not to reach'}`,
      notes: explainFlow(failure, expectation.verdict),
    });
  }
}
