// The scheduled audit workflow in examples/github-actions/fwc-audit.yml, run as GitHub runs its steps:
// its `run:` lines (expressions filled in) in a repository laid out as it expects, against the built CLI
// and an emulated account. The SARIF file that the upload step names is written and is SARIF 2.1.0; the
// summary step fails the run on an error-level finding and succeeds once it is accepted.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { BIN, ROOT } from '../helpers/cli.js';
import { TOKEN, assertNoContractViolations, startTestEmulator } from '../helpers/emulator.js';

interface Step {
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
  readonly env?: Record<string, string>;
}
const WORKFLOW = parseYaml(readFileSync(join(ROOT, 'examples/github-actions/fwc-audit.yml'), 'utf8'));
const STEPS: Step[] = WORKFLOW?.jobs?.audit?.steps ?? [];
const TMP = mkdtempSync(join(tmpdir(), 'fwc-gha-audit-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));

function expand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (!(expr in context)) throw new Error(`the workflow uses \${{ ${expr} }}, which this test does not provide`);
    return context[expr]!;
  });
}

/**
 * A step's `run:` as GitHub runs it (bash -eo pipefail), with the step's `env:`; without blocking the
 * event loop, since the emulator runs in this process.
 */
function runStep(step: Step, cwd: string, context: Record<string, string>, extra: Record<string, string>): Promise<{ status: number; stderr: string }> {
  const env: Record<string, string> = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: TMP, NO_COLOR: '1', ...extra };
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(String(v), context);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run!, context)], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stderr });
    });
  });
}

const Audit = suite('examples/github-actions/fwc-audit.yml');

Audit('runs on a schedule, may upload to code scanning, and uploads the file the audit writes', () => {
  assert.ok(WORKFLOW.on.schedule?.[0]?.cron, 'a scheduled trigger');
  assert.is(WORKFLOW.permissions['security-events'], 'write');
  const audit = STEPS.find((s) => s.id === 'audit')!;
  const upload = STEPS.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
  assert.ok(audit && upload);
  assert.match(audit.run!, `> ${upload.with!.sarif_file}`);
});

Audit('its steps write valid SARIF, and fail the run until the error finding is accepted', async () => {
  const dir = join(TMP, 'repo');
  mkdirSync(join(dir, 'policies'), { recursive: true });
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  writeFileSync(join(dir, 'policies/shop.fw'), readFileSync(join(ROOT, 'policies/shop.fw'), 'utf8'));
  writeFileSync(join(dir, 'node_modules/.bin/fwc'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(dir, 'node_modules/.bin/fwc'), 0o755);
  const em = await startTestEmulator({ seed: join(ROOT, 'examples/demo-account.yaml') });
  try {
    const context = { 'secrets.DIGITALOCEAN_READ_TOKEN': TOKEN };
    const extra = { DIGITALOCEAN_API_URL: em.url, GITHUB_STEP_SUMMARY: join(TMP, 'summary.md') };
    const audit = await runStep(STEPS.find((s) => s.id === 'audit')!, dir, context, extra);
    assert.is(audit.status, 0, audit.stderr);
    const sarif = JSON.parse(readFileSync(join(dir, 'fwc-audit.sarif'), 'utf8'));
    assert.is(sarif.version, '2.1.0');
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    assert.ok(results.some((r) => r.ruleId === 'FW802'));
    assert.ok(results.every((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.startsWith('policies/')), 'every result has a file for code scanning');
    const summaryStep = STEPS.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))!;
    const failing = await runStep(summaryStep, dir, context, extra);
    assert.is(failing.status, 1);
    assert.match(readFileSync(join(TMP, 'summary.md'), 'utf8'), '## fwc audit');
    writeFileSync(join(dir, '.fwc-audit.yaml'), 'version: 1\naccept:\n  - finding: "FW8*"\n    reason: the demo account is open on purpose\n');
    const accepted = await runStep(summaryStep, dir, context, extra);
    assert.is(accepted.status, 0, accepted.stderr);
  } finally {
    assertNoContractViolations(em);
    await em.stop();
  }
});

Audit.run();
