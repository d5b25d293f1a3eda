// Compiler benchmark: generated policies of 1k, 10k and 50k statements over up to 1,000 tags; time of
// each phase (parse, check, compile, analyses) and peak memory, each size in a fresh process; and the
// number of DigitalOcean rules fwc emits against a naive count (one rule per statement, destination
// tag and port item, plus the three open-egress rules per tag — how people write them by hand).
//
//   node --import tsx bench/compile.ts            # all sizes
//   node --import tsx bench/compile.ts 10000      # one size
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { LINT_RULES, NetworkLintContext } from '../src/analysis/index.js';
import { runRules } from '../src/diagnostics/index.js';
import { check } from '../src/check/check.js';
import { compile } from '../src/compile/compile.js';
import { groupRules } from '../src/model/rules.js';
import { networkOf } from '../src/pipeline/build.js';
import { SourceFile } from '../src/source/sourceFile.js';
import { parse } from '../src/syntax/parse.js';
import { generatePolicy } from '../test/helpers/generatePolicy.js';

const SIZES = [
  { statements: 1_000, tags: 100 },
  { statements: 10_000, tags: 500 },
  { statements: 50_000, tags: 1_000 },
];

function measure(statements: number, tags: number): Record<string, number> {
  const text = generatePolicy(42, { statements, tags, pools: 'wide', guardrails: 0.05, restricted: 0.2, resources: true, expiry: true });
  const file = new SourceFile('bench.fw', text);
  const t0 = performance.now();
  const parsed = parse(file);
  const t1 = performance.now();
  const checked = check(parsed.value, { asOf: '2026-11-24' });
  const t2 = performance.now();
  const compiled = compile(checked.value);
  const t3 = performance.now();
  const built = [{ policy: checked.value, compiled: compiled.value }];
  const network = networkOf(built);
  const lints = runRules(new NetworkLintContext(checked.value, compiled.value.firewalls, network), LINT_RULES).diagnostics;
  const t4 = performance.now();
  const errors = [...parsed.diagnostics, ...checked.diagnostics, ...compiled.diagnostics].filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`generated policy has errors: ${errors[0]!.message}`);

  let naive = 0;
  const p = checked.value;
  for (const g of [...p.grants, ...p.guardrails]) {
    if (g.expired) continue;
    const atoms = Math.max(1, g.services.length);
    const destTags = g.dests.filter((d) => d.kind === 'tag').length;
    naive += destTags * atoms;
    const restrictedSources = g.sources.filter((s) => s.kind === 'tag' && p.restrictedEgress.has(s.tag)).length;
    naive += restrictedSources * g.dests.filter((d) => d.kind !== 'database').length * atoms;
  }
  naive += (p.tags.length - p.restrictedEgress.size) * 3;
  const emitted = compiled.value.firewalls.reduce((n, f) => n + groupRules(f.rules).length, 0);
  return {
    statements,
    tags,
    bytes: text.length,
    parseMs: t1 - t0,
    checkMs: t2 - t1,
    compileMs: t3 - t2,
    analysesMs: t4 - t3,
    totalMs: t4 - t0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    firewalls: compiled.value.firewalls.length,
    emittedRules: emitted,
    naiveRules: naive,
    warnings: lints.length + checked.diagnostics.length,
  };
}

const only = process.argv[2];
if (process.env.FWC_BENCH_CHILD) {
  const [statements, tags] = process.env.FWC_BENCH_CHILD.split(',').map(Number);
  process.stdout.write(JSON.stringify(measure(statements!, tags!)));
} else {
  const rows = [];
  for (const size of SIZES.filter((s) => !only || String(s.statements) === only)) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, FWC_BENCH_CHILD: `${size.statements},${size.tags}` },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(r.stderr);
    rows.push(JSON.parse(r.stdout) as Record<string, number>);
  }
  const f = (n: number, d = 0) => n.toFixed(d).padStart(8);
  console.log('statements    tags     bytes   parse   check compile analyses   total  peak MB  firewalls  emitted    naive');
  for (const r of rows) {
    console.log(
      `${f(r.statements!)} ${f(r.tags!)} ${f(r.bytes!)} ${f(r.parseMs!)} ${f(r.checkMs!)} ${f(r.compileMs!)} ${f(r.analysesMs!)} ${f(r.totalMs!)} ${f(r.peakRssMb!)} ${f(r.firewalls!, 0)} ${f(r.emittedRules!)} ${f(r.naiveRules!)}`,
    );
  }
  const ten = rows.find((r) => r.statements === 10_000);
  const fifty = rows.find((r) => r.statements === 50_000);
  if (ten && fifty) console.log(`50k / 10k total time: ${(fifty.totalMs! / ten.totalMs!).toFixed(2)}×`);
  for (const r of rows) console.log(`${r.statements} statements: fwc emits ${((100 * r.emittedRules!) / r.naiveRules!).toFixed(1)}% of the naive rule count`);
  console.log('(times in ms, one process per size; peak MB is the process\'s max RSS)');
}
