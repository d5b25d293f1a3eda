// `fwc plan` goldens against the emulator: each folder under test/fixtures/plan holds policy.fw, and
// optionally account.yaml (the emulator's seed; else the shared one) and applied.fw (a version applied
// before planning). The plan is kept in all three formats (expected.txt, .md, .json), reviewed by hand.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlanDocument } from '../../src/plan/document.js';
import { runCli } from '../helpers/cli.js';
import { assertNoContractViolations, startTestEmulator, TOKEN } from '../helpers/emulator.js';
import { assertGolden } from '../helpers/golden.js';

const ROOT = new URL('../fixtures/plan/', import.meta.url).pathname;
const AS_OF = '2026-11-24';
const scenarios = readdirSync(ROOT).filter((n) => statSync(join(ROOT, n)).isDirectory()).sort();

async function withScenario<T>(dir: string, work: (plan: (format: string, ...extra: string[]) => ReturnType<typeof runCli>) => Promise<T>): Promise<T> {
  const seed = existsSync(join(dir, 'account.yaml')) ? join(dir, 'account.yaml') : join(ROOT, 'account.yaml');
  const em = await startTestEmulator({ seed });
  const env = { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url, FWC_QUIET: '1' };
  try {
    if (existsSync(join(dir, 'applied.fw'))) {
      const applied = await runCli(['apply', 'applied.fw', '--auto-approve', '--allow-lockout', '--as-of', AS_OF], { cwd: dir, env });
      assert.is(applied.code, 0, applied.stderr);
    }
    const result = await work((format, ...extra) => runCli(['plan', 'policy.fw', '--format', format, '--as-of', AS_OF, ...extra], { cwd: dir, env }));
    assertNoContractViolations(em, { probes: true });
    return result;
  } finally {
    await em.stop();
  }
}

const Golden = suite('plan goldens');
for (const name of scenarios) {
  Golden(name, () =>
    withScenario(join(ROOT, name), async (plan) => {
      for (const [format, file] of [['text', 'expected.txt'], ['markdown', 'expected.md'], ['json', 'expected.json']] as const) {
        const r = await plan(format);
        assert.is(r.code, 0, r.stderr);
        // Firewall ids depend on the order concurrent creates reached the emulator: not part of the golden.
        assertGolden(r.stdout.replace(/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, '"<id>"'), join(ROOT, name, file));
      }
    }),
  );
}
Golden.run();

// ---

const Facts = suite('plan facts');
const json = async (name: string, ...extra: string[]) =>
  withScenario(join(ROOT, name), async (plan) => {
    const r = await plan('json', ...extra);
    return { code: r.code, doc: JSON.parse(r.stdout) as PlanDocument };
  });

Facts('an account that matches, in any of the API spellings, has no changes and exit code 0', async () => {
  for (const name of ['no-changes', 'api-spelling']) {
    const { code, doc } = await json(name, '--detailed-exitcode');
    assert.is(doc.summary.changes, false, name);
    assert.is(code, 0, name);
  }
});
Facts('changes give exit code 2 with --detailed-exitcode', async () => {
  const { code, doc } = await json('rule-added', '--detailed-exitcode');
  assert.is(doc.summary.changes, true);
  assert.is(code, 2);
});
Facts('an unmanaged firewall that lets through what the policy does not grant is named, and left alone', async () => {
  const { doc } = await json('unmanaged-widening');
  assert.ok(doc.firewalls.every((f) => f.name.startsWith('fwc-shop-')));
  assert.ok(doc.warnings.some((w) => w.message.includes('hand-made-ssh') && w.message.includes('anyone (IPv4) reach web on tcp 22')), JSON.stringify(doc.warnings));
});
Facts('a removed tag deletes its firewall and says its droplets are left open', async () => {
  const { doc } = await json('tag-removed');
  assert.equal(doc.firewalls.filter((f) => f.action === 'delete').map((f) => f.name), ['fwc-shop-legacy']);
  assert.ok(doc.warnings.some((w) => w.message.includes('legacy') && /no firewall/.test(w.message)), JSON.stringify(doc.warnings));
});
Facts('restricted egress that blocks DNS is reported once, by the plan, judged on the account', async () => {
  const repo = new URL('../../', import.meta.url).pathname;
  const em = await startTestEmulator({ seed: join(repo, 'examples', 'demo-account.yaml') });
  try {
    const r = await runCli(['plan', 'policies/shop.fw', '--as-of', '2026-11-24'], { cwd: repo, env: { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url, FWC_QUIET: '1' } });
    assert.is(r.code, 0, r.stderr);
    assert.not.match(r.stderr, 'FW406', 'the policy-only DNS warning is not printed beside the plan\'s');
    assert.is(r.stdout.split('\n').filter((l) => l.includes('udp 53 out')).length, 1, r.stdout);
  } finally {
    await em.stop();
  }
});
Facts.run();

// ---

// Errors only the account can show (FW701–FW703): each folder under test/fixtures/plan-errors holds
// policy.fw and account.yaml, and the diagnostics `fwc plan` prints (expected.stderr).
const ERRORS = new URL('../fixtures/plan-errors/', import.meta.url).pathname;
const Errors = suite('plan errors from the account');
for (const name of readdirSync(ERRORS).sort()) {
  Errors(name, async () => {
    const dir = join(ERRORS, name);
    const em = await startTestEmulator({ seed: join(dir, 'account.yaml') });
    try {
      const r = await runCli(['plan', 'policy.fw', '--as-of', AS_OF], { cwd: dir, env: { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url } });
      assert.is(r.code, 1, r.stdout);
      assert.is(r.stdout, '');
      assertGolden(r.stderr, join(dir, 'expected.stderr'));
      assert.is(em.requests().filter((x) => x.method !== 'GET').length, 0);
    } finally {
      await em.stop();
    }
  });
}
Errors.run();
