// Every rule that only finds problems has one signature and is listed (diagnostics/rules.ts): a rule file
// that is not in its phase's list, or a finding with no catalogue entry, fails here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_RULES, LINT_RULES } from '../src/analysis/index.js';
import { POLICY_RULES } from '../src/check/check.js';
import { CODES, lookupCode, type CodeName } from '../src/diagnostics/index.js';
import { GUARD_RULES, PLAN_RULES, PLAN_WARNING_CODES } from '../src/plan/warnings/rules.js';
import { ROOT, runCli } from './helpers/cli.js';

/** The rule files of a folder (the context and the list are not rules). */
function ruleFiles(folder: string): string[] {
  return readdirSync(join(ROOT, 'src', folder)).filter((f) => f.endsWith('.ts') && f !== 'context.ts' && f !== 'rules.ts' && f !== 'index.ts');
}

/** The catalogue names a source file reports (`ctx.report('name', …)`). */
function reported(path: string): CodeName[] {
  return [...readFileSync(path, 'utf8').matchAll(/\.report\('(\w+)'/g)].map((m) => m[1] as CodeName);
}

const Rules = suite('finding rules');

for (const [folder, lists] of [
  ['analysis/lints', [LINT_RULES]],
  ['plan/warnings', [PLAN_RULES, GUARD_RULES]],
] as const) {
  Rules(`every rule file of ${folder} is listed, once`, async () => {
    const listed = new Set<unknown>(lists.flat());
    assert.is(listed.size, lists.flat().length, 'a rule is listed twice');
    for (const file of ruleFiles(folder)) {
      const module = await import(pathToFileURL(join(ROOT, 'src', folder, file)).href);
      const rules = Object.values(module).filter((v) => listed.has(v));
      assert.ok(rules.length >= 1, `${folder}/${file} exports no listed rule: add it to ${folder}/rules.ts`);
    }
  });
}

Rules('the checks that only find problems are rules of the same signature', () => {
  assert.equal(POLICY_RULES.map((r) => r.name), ['checkNoEffect', 'checkExposedAdminPorts', 'checkDatabaseEgress']);
  assert.ok(ERROR_RULES.every((r) => LINT_RULES.includes(r)));
});

Rules('plan warnings report only plan-warning codes, and every such code has a rule', () => {
  const dir = join(ROOT, 'src', 'plan', 'warnings');
  const names = ruleFiles('plan/warnings').flatMap((f) => reported(join(dir, f)));
  for (const name of names) assert.ok(PLAN_WARNING_CODES.includes(CODES[name] as never), `${name} is reported by a plan warning but is not in PLAN_WARNING_CODES`);
  for (const code of PLAN_WARNING_CODES) assert.ok(names.some((n) => CODES[n] === code), `${code.code} ${code.name} has no rule that reports it`);
  assert.ok(PLAN_WARNING_CODES.every((c) => c.severity === 'warning'));
  assert.is(new Set(PLAN_WARNING_CODES.map((c) => c.name)).size, PLAN_WARNING_CODES.length);
});

Rules('the warnings of every plan golden are catalogued, by the name `fwc explain` takes', () => {
  let seen = 0;
  for (const kind of ['plan', 'diff']) {
    const root = join(ROOT, 'test', 'fixtures', kind);
    for (const name of readdirSync(root).filter((n) => existsSync(join(root, n, 'expected.json')))) {
      const doc = JSON.parse(readFileSync(join(root, name, 'expected.json'), 'utf8')) as { warnings: { code: string }[] };
      for (const w of doc.warnings) {
        seen++;
        assert.ok(PLAN_WARNING_CODES.some((c) => c.name === w.code), `${kind}/${name}: ${w.code}`);
        assert.ok(lookupCode(w.code), w.code);
      }
    }
  }
  assert.ok(seen >= 10, `only ${seen} warnings in the goldens`);
});

Rules('fwc explain knows plan warnings, and both meanings of a shared name', async () => {
  const lockout = await runCli(['explain', 'ssh-lockout']);
  assert.is(lockout.code, 0);
  assert.match(lockout.stdout, /^FW712 \(ssh-lockout, warning\): droplets would lose every SSH allow/);
  const both = await runCli(['explain', 'no-firewall']);
  assert.is(both.code, 0);
  assert.match(both.stdout, /^FW711 \(no-firewall, warning\)/);
  assert.match(both.stdout, /\nFW801 \(no-firewall, error, fwc audit\)/);
  const list = await runCli(['explain']);
  assert.match(list.stdout, /FW716  warning  unmanaged-allows/);
});

Rules.run();
