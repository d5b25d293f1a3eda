// Removals built from the stored form (src/digitalocean/applyApi.ts): whatever way DigitalOcean stores
// the entries — merged into one rule, one canonical rule over several stored ones, ports as "0" or
// "1-65535", nested address blocks — the firewall afterwards allows exactly what the proven next state
// keeps. Examples, then a randomized check over generated stored forms and changes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAddress } from '../../src/model/addresses.js';
import { canonicalRules, ruleKey } from '../../src/model/rules.js';
import type { Rule } from '../../src/model/firewall.js';
import { missingRules, removalBody } from '../../src/digitalocean/applyApi.js';
import { firewallFromApi, type ApiRuleLike } from '../../src/digitalocean/fromApi.js';
import { rng } from '../helpers/generatePolicy.js';

const RUNS = Number(process.env.FWC_REMOVAL_RUNS ?? 400);

type Stored = { inbound: ApiRuleLike[]; outbound: ApiRuleLike[] };
const rulesOf = (stored: Stored) => firewallFromApi({ name: 'x', inbound_rules: stored.inbound, outbound_rules: stored.outbound }).firewall.rules;

/** DELETE /rules as the emulator does it: each entry of the body out of every stored rule of that exact shape. */
function remove(stored: Stored, body: ReturnType<typeof removalBody>): Stored {
  const out: Stored = { inbound: [], outbound: [] };
  for (const direction of ['inbound', 'outbound'] as const) {
    const field = direction === 'inbound' ? 'sources' : 'destinations';
    for (const s of stored[direction]) {
      const target = { ...(s[field] ?? {}) } as Record<string, (string | number)[]>;
      for (const b of direction === 'inbound' ? body.inbound_rules : body.outbound_rules) {
        const ports = b.protocol === 'icmp' ? s.ports : b.ports;
        if (b.protocol !== s.protocol || ports !== s.ports || (b.action ?? 'allow') !== (s.action ?? 'allow')) continue;
        for (const [k, gone] of Object.entries(b[field] ?? {})) target[k] = (target[k] ?? []).filter((v) => !(gone as (string | number)[]).includes(v));
      }
      if (Object.values(target).some((v) => v.length > 0)) out[direction].push({ ...s, [field]: target });
    }
  }
  return out;
}

const ADDRESSES = ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24'];
const SAMPLES = ['10.1.2.3', '10.1.9.9', '10.9.9.9', '11.1.1.1'].map((t) => (parseAddress(t) as { ok: true; cidr: import('../../src/model/addresses.js').Cidr }).cidr);

/** What a set of rules allows, sampled: direction × protocol × action × sample address or tag × port. */
function traffic(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) {
    const from = r.ports.kind === 'all' ? 1 : r.ports.from;
    const to = r.ports.kind === 'all' ? 65535 : r.ports.to;
    for (const port of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]) {
      if (port < from || port > to) continue;
      const who =
        r.peer.kind === 'address'
          ? SAMPLES.filter((a) => (a.network & ~((1n << BigInt(32 - (r.peer as { cidr: { prefix: number } }).cidr.prefix)) - 1n)) === (r.peer as { cidr: { network: bigint } }).cidr.network).map((a) => a.text)
          : [ruleKey({ ...r, ports: { kind: 'all' } })];
      for (const w of who) out.add(`${r.direction} ${r.protocol} ${r.action} ${w} ${port}`);
    }
  }
  return out;
}

const Examples = suite('removal examples');
Examples('the issue: tcp all from anyone and a tag, narrowed to tcp 9000 from anyone', () => {
  const stored: Stored = {
    inbound: [
      { protocol: 'tcp', ports: '1-65535', sources: { addresses: ['0.0.0.0/0', '::/0'], tags: ['search'] } },
      { protocol: 'tcp', ports: '9000', sources: { addresses: ['0.0.0.0/0', '::/0'] } },
    ],
    outbound: [],
  };
  // The canonical live form is the all-ports rule alone (tcp 9000 lies within it); the step keeps tcp 9000.
  const gone = rulesOf({ inbound: [stored.inbound[0]!], outbound: [] });
  const keep = rulesOf({ inbound: [stored.inbound[1]!], outbound: [] });
  assert.equal(rulesOf(stored).map(ruleKey), gone.map(ruleKey));
  assert.equal(removalBody(stored, gone, keep), {
    inbound_rules: [{ protocol: 'tcp', ports: '1-65535', sources: { addresses: ['0.0.0.0/0', '::/0'], tags: ['search'] } }],
    outbound_rules: [],
  });
});
Examples('an entry inside a removed block but held whole by a kept block stays', () => {
  const stored: Stored = {
    inbound: [
      { protocol: 'tcp', ports: '1-5', sources: { addresses: ['0.0.0.0/0', '10.0.0.0/8'] } },
      { protocol: 'tcp', ports: '6-9', sources: { addresses: ['10.0.0.0/8'] } },
    ],
    outbound: [],
  };
  const rules = rulesOf(stored);
  const gone = rules.filter((r) => r.peer.kind === 'address' && r.peer.cidr.prefix === 0);
  const keep = rules.filter((r) => !gone.includes(r));
  assert.equal(removalBody(stored, gone, keep), { inbound_rules: [{ protocol: 'tcp', ports: '1-5', sources: { addresses: ['0.0.0.0/0'] } }], outbound_rules: [] });
});
Examples('a sub-block the canonical form hides under a removed block goes with it', () => {
  const stored: Stored = {
    inbound: [
      { protocol: 'tcp', ports: '0', action: 'allow', sources: { addresses: ['10.0.0.0/8'] } },
      { protocol: 'tcp', ports: '80', sources: { addresses: ['10.1.0.0/16'] } },
    ],
    outbound: [],
  };
  const rules = rulesOf(stored);
  assert.is(rules.length, 1, 'the canonical form hides the covered sub-block');
  assert.equal(removalBody(stored, rules, []), {
    inbound_rules: [
      { protocol: 'tcp', ports: '0', action: 'allow', sources: { addresses: ['10.0.0.0/8'] } },
      { protocol: 'tcp', ports: '80', sources: { addresses: ['10.1.0.0/16'] } },
    ],
    outbound_rules: [],
  });
});
Examples('adds skip what is stored, in any spelling', () => {
  const stored: Stored = { inbound: [{ protocol: 'tcp', ports: '0', sources: { addresses: ['0:0:0:0:0:0:0:0/0'] } }], outbound: [] };
  const want = rulesOf({ inbound: [{ protocol: 'tcp', ports: '1-65535', sources: { addresses: ['::/0', '0.0.0.0/0'] } }], outbound: [] });
  assert.equal(missingRules(stored, want).map(ruleKey), ['in tcp all addr:0.0.0.0/0 allow']);
});
Examples.run();

const Randomized = suite('removal, randomized');
Randomized(`${RUNS} stored forms and changes: the firewall then allows exactly what is kept`, () => {
  const r = rng(20261203);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const portsText = () => pick(['0', '1-65535', String(1 + int(10)), `${1 + int(4)}-${5 + int(6)}`]);
  const entryRule = (direction: 'inbound' | 'outbound'): ApiRuleLike => {
    const field = direction === 'inbound' ? 'sources' : 'destinations';
    const addresses = [...new Set(Array.from({ length: int(3) }, () => pick(ADDRESSES)))];
    const tags = int(3) === 0 ? [pick(['a', 'b'])] : [];
    const protocol = pick(['tcp', 'tcp', 'udp', 'icmp']);
    const action = int(5) === 0 ? 'deny' : pick([undefined, 'allow']);
    return { protocol, ...(protocol === 'icmp' ? {} : { ports: portsText() }), ...(action ? { action } : {}), [field]: { ...(addresses.length ? { addresses } : { addresses: ['0.0.0.0/0'] }), ...(tags.length ? { tags } : {}) } };
  };
  for (let run = 0; run < RUNS; run++) {
    const stored: Stored = { inbound: Array.from({ length: 1 + int(4) }, () => entryRule('inbound')), outbound: Array.from({ length: int(3) }, () => entryRule('outbound')) };
    const live = rulesOf(stored);
    // The new version: some live rules kept, some dropped, some new ones (which apply adds first).
    const fresh = rulesOf({ inbound: Array.from({ length: int(3) }, () => entryRule('inbound')), outbound: [] });
    const desired = canonicalRules([...live.filter(() => int(2) === 0), ...fresh]);
    const desiredKeys = new Set(desired.map(ruleKey));
    const liveKeys = new Set(live.map(ruleKey));
    const added = desired.filter((x) => !liveKeys.has(ruleKey(x)));
    const removed = live.filter((x) => !desiredKeys.has(ruleKey(x)));
    // Adds land as stored rules of their own (an API that stores rules as sent).
    const withAdds: Stored = {
      inbound: [...stored.inbound, ...missingRules(stored, added).filter((x) => x.direction === 'inbound').map(toApi)],
      outbound: [...stored.outbound, ...missingRules(stored, added).filter((x) => x.direction === 'outbound').map(toApi)],
    };
    const keep = [...live.filter((x) => desiredKeys.has(ruleKey(x))), ...added];
    const after = remove(withAdds, removalBody(withAdds, removed, keep));
    const got = [...traffic(rulesOf(after))].sort();
    const want = [...traffic(desired)].sort();
    assert.equal(got, want, `run ${run}: stored ${JSON.stringify(stored)}, removed ${removed.map(ruleKey).join(' | ')}, kept ${keep.map(ruleKey).join(' | ')}`);
  }
});
Randomized.run();

function toApi(rule: Rule): ApiRuleLike {
  const field = rule.direction === 'inbound' ? 'sources' : 'destinations';
  const peer = rule.peer.kind === 'address' ? { addresses: [rule.peer.cidr.text] } : rule.peer.kind === 'tag' ? { tags: [rule.peer.name] } : {};
  const ports = rule.ports.kind === 'all' ? '1-65535' : rule.ports.from === rule.ports.to ? String(rule.ports.from) : `${rule.ports.from}-${rule.ports.to}`;
  return { protocol: rule.protocol, ...(rule.protocol === 'icmp' ? {} : { ports }), ...(rule.action === 'deny' ? { action: 'deny' } : {}), [field]: peer };
}

