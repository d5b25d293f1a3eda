// The pull-request workflow in examples/github-actions/, run as scripts: the workflow's own `run:` lines
// (with their `${{ }}` expressions filled in) run pr-check.sh in a git clone laid out as the workflow
// expects, against the built CLI and, for the plan, the emulator; post-comment.mjs runs against a fake
// GitHub API that records what it is sent. Since the tests run the lines the workflow holds, the workflow
// and the scripts cannot drift apart.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import type { Emulator } from '../../src/emulator/index.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { assertNoContractViolations, startTestEmulator } from '../helpers/emulator.js';

const EXAMPLE = join(ROOT, 'examples/github-actions');
const MARKER = '<!-- fwc-pull-request -->';
const SHOP = readFileSync(join(ROOT, 'policies/shop.fw'), 'utf8');
const SEED = join(ROOT, 'examples/demo-account.yaml');

// ---------------------------------------------------------------------------------------------------
// The workflow, and running its steps as GitHub Actions does.

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
const WORKFLOW = parseYaml(readFileSync(join(EXAMPLE, 'fwc-pull-request.yml'), 'utf8'));
const STEPS: Step[] = WORKFLOW?.jobs?.fwc?.steps ?? [];
const CHECK_STEP = STEPS.find((s) => s.run?.includes('pr-check.sh'));
const COMMENT_STEP = STEPS.find((s) => s.run?.includes('post-comment.mjs'));

/** Fills in `${{ expr }}` from `context`; an expression the test does not know fails the test. */
function expand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (!(expr in context)) throw new Error(`the workflow uses \${{ ${expr} }}, which this test does not provide`);
    return context[expr]!;
  });
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the event loop (the emulator and the fake GitHub run in this process). */
function run(command: string, args: readonly string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr });
    });
  });
}

const BASE_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;

/** A step's `run:` as GitHub runs it (bash --noprofile --norc -eo pipefail), with the step's `env:`. */
function runStep(step: Step | undefined, cwd: string, context: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<Run> {
  if (!step?.run) throw new Error('the workflow has no such step');
  const env: Record<string, string> = { PATH: BASE_PATH, HOME: TMP, NO_COLOR: '1', ...extraEnv };
  for (const [name, value] of Object.entries(step.env ?? {})) env[name] = expand(String(value), context);
  return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run, context)], cwd, env);
}

// ---------------------------------------------------------------------------------------------------
// A repository laid out as the workflow expects: policies/, compiled/ (committed), the scripts under
// examples/github-actions/, fwc installed as a dependency (node_modules/.bin/fwc, a wrapper of the built
// CLI that logs its calls). A pull request is a clone (so origin/main exists, as after actions/checkout
// with fetch-depth 0) with a feature commit on top.

const TMP = mkdtempSync(join(tmpdir(), 'fwc-gha-'));
const GIT_ENV = {
  PATH: BASE_PATH,
  HOME: TMP,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** An executable `fwc` that runs the built CLI and appends `<name> <args>` to `log`. */
function fwcWrapper(path: string, log: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho "$0 $*" >> '${log}'\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(path, 0o755);
}

function compile(dir: string): void {
  const r = spawnSync(process.execPath, [BIN, 'compile', 'policies', '--out', 'compiled'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fwc compile: ${r.stderr}`);
}

const UPSTREAM = join(TMP, 'upstream');
mkdirSync(join(UPSTREAM, 'policies'), { recursive: true });
git(UPSTREAM, 'init', '-q', '-b', 'main');
writeFileSync(join(UPSTREAM, 'policies/shop.fw'), SHOP);
compile(UPSTREAM);
cpSync(EXAMPLE, join(UPSTREAM, 'examples/github-actions'), { recursive: true });
writeFileSync(join(UPSTREAM, '.gitignore'), 'node_modules/\nfwc-comment.md\n');
git(UPSTREAM, 'add', '-A');
git(UPSTREAM, 'commit', '-q', '-m', 'policies');

let clones = 0;
interface PullRequest {
  readonly dir: string;
  /** What the fwc wrapper was called with, one call a line. */
  readonly calls: () => string[];
}

/** A clone with `change` applied to policies/shop.fw and committed on a feature branch. */
function pullRequest(change: (shop: string) => string, { recompile = true, install = true } = {}): PullRequest {
  const dir = join(TMP, `pr-${++clones}`);
  git(TMP, 'clone', '-q', UPSTREAM, dir);
  git(dir, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(dir, 'policies/shop.fw'), change(SHOP));
  if (recompile) compile(dir);
  git(dir, 'commit', '-q', '-a', '-m', 'change the policy');
  const log = join(TMP, `calls-${clones}.log`);
  if (install) fwcWrapper(join(dir, 'node_modules/.bin/fwc'), log);
  return { dir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

/** web may newly reach cache on redis; api no longer may. */
const widenAndNarrow = (shop: string) => {
  assert.ok(shop.includes('api may reach cache on redis\n'), 'policies/shop.fw changed: update this test');
  return shop.replace('api may reach cache on redis\n', 'web may reach cache on redis\n');
};

/** The check step of the workflow for a pull request into main. */
function checkStep(pr: PullRequest, token = '', extraEnv: Record<string, string> = {}): Promise<Run> {
  return runStep(CHECK_STEP, pr.dir, { 'github.base_ref': 'main', 'secrets.DIGITALOCEAN_READ_TOKEN': token }, extraEnv);
}

/** The argument of the check step that names the comment file (its last). */
function commentFile(pr: PullRequest): string {
  const file = expand(CHECK_STEP!.run!, { 'github.base_ref': 'main' }).trim().split(/\s+/).at(-1)!;
  return join(pr.dir, file);
}

const CheckScript = suite('pr-check.sh (the workflow check step)');

CheckScript('a change: validate and compile --check pass, the report shows the reachability changes and skips the plan without a token', async () => {
  const pr = pullRequest(widenAndNarrow);
  const summary = join(TMP, 'summary.md');
  const r = await checkStep(pr, '', { GITHUB_STEP_SUMMARY: summary });
  assert.is(r.code, 0, r.stdout + r.stderr);
  const report = readFileSync(commentFile(pr), 'utf8');
  assert.ok(report.startsWith(`${MARKER}\n`), report.slice(0, 200));
  assert.match(report, '- :white_check_mark: `fwc validate policies`');
  assert.match(report, '- :white_check_mark: `fwc compile policies --out compiled --check`');
  assert.not.match(report, ':x:');
  // The diff against origin/main: one firewall changes, web → cache newly allowed, api → cache blocked.
  assert.match(report, /### fwc diff: 0 to add, 1 to change, 0 to destroy/);
  const allowed = report.slice(report.indexOf('**Newly allowed**'), report.indexOf('**Newly blocked**'));
  const blocked = report.slice(report.indexOf('**Newly blocked**'), report.indexOf('#### Rule changes'));
  assert.match(allowed, /\| web \| cache \| tcp 6379 \|/);
  assert.match(blocked, /\| api \| cache \| tcp 6379 \|/);
  assert.match(report, '+ inbound tcp 6379 from tag:web');
  assert.match(report, '- inbound tcp 6379 from tag:api');
  assert.match(report, /No read-only DigitalOcean token is configured .* the plan against the account is skipped/);
  assert.not.match(report, '### fwc plan');
  // The report is also in the log and the job summary (where a fork's pull request, which gets no
  // comment, can read it); the temporary files beside it are gone.
  assert.ok(r.stdout.includes(report), 'the report is printed');
  assert.is(readFileSync(summary, 'utf8'), report);
  // fwc as the workflow's npm ci installs it (node_modules/.bin/fwc), and nothing else.
  assert.ok(pr.calls().every((c) => c.startsWith('node_modules/.bin/fwc ')), pr.calls().join('\n'));
  assert.equal(
    pr.calls().map((c) => c.replace(/^\S+ /, '')),
    ['validate policies', 'compile policies --out compiled --check', 'diff --base origin/main policies --format markdown'],
  );
  for (const suffix of ['.diff', '.plan', '.err']) assert.not.ok(existsSync(commentFile(pr) + suffix), suffix);
});

CheckScript('with a read-only token and the API at the emulator, the report has the plan, read with GET requests only', async () => {
  const emulator: Emulator = await startTestEmulator({ seed: SEED, tokens: [{ token: 'do-read-token', scopes: 'read' }] });
  try {
    const pr = pullRequest(widenAndNarrow);
    const r = await checkStep(pr, 'do-read-token', { DIGITALOCEAN_API_URL: emulator.url });
    assert.is(r.code, 0, r.stdout + r.stderr);
    const report = readFileSync(commentFile(pr), 'utf8');
    // The demo account has no fwc firewalls yet: the plan creates one per tag of shop.fw.
    assert.match(report, /### fwc plan: 6 to add, 0 to change, 0 to destroy/);
    assert.match(report, /\| Unmanaged firewalls \(left alone\) \| 3 \|/);
    assert.ok(report.indexOf('### fwc diff') < report.indexOf('### fwc plan'), 'the diff comes first');
    assert.not.match(report, 'skipped');
    assert.not.match(report, 'fwc plan failed');
    assert.equal(pr.calls().at(-1)?.replace(/^\S+ /, ''), 'plan policies --format markdown');
    const methods = new Set(emulator.requests().map((q) => q.method));
    assert.equal([...methods], ['GET']);
    assertNoContractViolations(emulator);

    // A token the account refuses: the plan section says why, and the check still passes (the plan only informs).
    const refused = await checkStep(pr, 'not-a-token', { DIGITALOCEAN_API_URL: emulator.url });
    assert.is(refused.code, 0, refused.stdout + refused.stderr);
    const report2 = readFileSync(commentFile(pr), 'utf8');
    assert.match(report2, /fwc plan failed:\n\n```\n[^]*error: DigitalOcean did not accept the token \(401[^]*```/);
    assert.not.match(report2, '### fwc plan');
  } finally {
    await emulator.stop();
  }
});

CheckScript('a policy with an error fails the check, with the diagnostic in the report', async () => {
  const pr = pullRequest((shop) => `${shop}app may reach dbb on postgres\n`, { recompile: false });
  const r = await checkStep(pr);
  assert.is(r.code, 1, r.stdout + r.stderr);
  const report = readFileSync(commentFile(pr), 'utf8');
  assert.match(report, '- :x: `fwc validate policies`');
  assert.match(report, '- :x: `fwc compile policies --out compiled --check`');
  const validate = report.slice(report.indexOf('`fwc validate policies`'), report.indexOf('`fwc compile policies'));
  assert.match(validate, /<details><summary>output<\/summary>\n\n {2}```\n {2}error\[FW201\]: unknown name `dbb`\n {4}--> policies\/shop\.fw:\d+:15\n/);
  assert.match(validate, 'did you mean `db`');
  assert.match(report, /fwc diff against `origin\/main` failed:\n\n```\nerror\[FW201\]/);
  assert.not.match(report, '### fwc diff');
});

CheckScript('compiled/ not updated with the policy fails the check with FW602; the diff still shows the change', async () => {
  const pr = pullRequest(widenAndNarrow, { recompile: false });
  const r = await checkStep(pr);
  assert.is(r.code, 1, r.stdout + r.stderr);
  const report = readFileSync(commentFile(pr), 'utf8');
  assert.match(report, '- :white_check_mark: `fwc validate policies`');
  assert.match(report, '- :x: `fwc compile policies --out compiled --check`');
  assert.match(report, /error\[FW602\]: compiled\/shop\.json is not what policies\/shop\.fw compiles to/);
  assert.match(report, /\| web \| cache \| tcp 6379 \|/);
});

CheckScript('finds fwc on PATH when it is not a dependency, or as $FWC; exits 2 when there is none, or on wrong arguments', async () => {
  const pr = pullRequest(widenAndNarrow, { install: false });
  const bin = join(TMP, 'path-bin');
  const log = join(TMP, 'path-calls.log');
  fwcWrapper(join(bin, 'fwc'), log);
  const script = join(pr.dir, 'examples/github-actions/pr-check.sh');
  const env = { PATH: `${bin}:${BASE_PATH}`, HOME: TMP, NO_COLOR: '1' };
  const r = await run(script, ['origin/main', 'policies', 'compiled', 'report.md'], pr.dir, env);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(readFileSync(join(pr.dir, 'report.md'), 'utf8'), /\| web \| cache \| tcp 6379 \|/);
  assert.is(readFileSync(log, 'utf8').trim().split('\n').length, 3);

  // $FWC names the command when there is none on PATH; without it, the script says what to do.
  const named = await run(script, ['origin/main', 'policies', 'compiled', 'report.md'], pr.dir, { ...env, PATH: BASE_PATH, FWC: join(bin, 'fwc') });
  assert.is(named.code, 0, named.stdout + named.stderr);
  assert.is(readFileSync(log, 'utf8').trim().split('\n').length, 6);
  const none = await run(script, ['origin/main', 'policies', 'compiled', 'report.md'], pr.dir, { ...env, PATH: BASE_PATH });
  assert.is(none.code, 2);
  assert.match(none.stderr, /no fwc found/);
  const usage = await run(script, ['origin/main', 'policies'], pr.dir, env);
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /^usage: pr-check\.sh BASE_REF POLICY_DIR COMPILED_DIR COMMENT_FILE/);
});

CheckScript.run();

// ---------------------------------------------------------------------------------------------------
// post-comment.mjs against a fake GitHub API.

interface Comment {
  id: number;
  body: string;
  user: { login: string };
}
interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: any;
}

/** Issue comments of acme/infra#7 with GitHub's paging (per_page, page); `fail` answers matching requests with an error. */
async function fakeGitHub(comments: Comment[], fail?: { method: string; status: number; message: string }) {
  const requests: Recorded[] = [];
  let nextId = 9000;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://github.test');
      requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined });
      if (fail && fail.method === req.method) return send(res, fail.status, { message: fail.message, documentation_url: 'https://docs.github.com/rest' });
      if (req.method === 'GET' && url.pathname === '/repos/acme/infra/issues/7/comments') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(res, 200, comments.slice((page - 1) * perPage, page * perPage));
      }
      if (req.method === 'POST' && url.pathname === '/repos/acme/infra/issues/7/comments') {
        const comment = { id: nextId++, body: JSON.parse(text).body, user: { login: 'github-actions[bot]' } };
        comments.push(comment);
        return send(res, 201, comment);
      }
      const patch = /^\/repos\/acme\/infra\/issues\/comments\/(\d+)$/.exec(url.pathname);
      const comment = patch && comments.find((c) => c.id === Number(patch[1]));
      if (req.method === 'PATCH' && comment) {
        comment.body = JSON.parse(text).body;
        return send(res, 200, comment);
      }
      send(res, 404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, comments, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The workflow's comment step, run in `dir` (a repository with the scripts) against the fake. */
function commentStep(dir: string, apiUrl: string): Promise<Run> {
  return runStep(
    COMMENT_STEP,
    dir,
    { 'secrets.GITHUB_TOKEN': 'ghs_testtoken', 'github.event.pull_request.number': '7' },
    // Set by GitHub Actions on every runner.
    { GITHUB_REPOSITORY: 'acme/infra', GITHUB_API_URL: apiUrl },
  );
}

/** A repository holding the scripts and a comment file. */
function commentRepo(markdown: string): string {
  const dir = mkdtempSync(join(TMP, 'comment-'));
  cpSync(EXAMPLE, join(dir, 'examples/github-actions'), { recursive: true });
  writeFileSync(join(dir, 'fwc-comment.md'), markdown);
  return dir;
}

const others = (n: number, from = 1): Comment[] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, body: `looks good ${from + i}`, user: { login: 'alice' } }));

const CommentScript = suite('post-comment.mjs (the workflow comment step)');

CommentScript('posts one comment, then updates it on the next push, paging past other comments and leaving them alone', async () => {
  // 150 comments by others: ours lands on page 2. One of them quotes the marker; it is not ours.
  const comments = others(150);
  comments[40]!.body = `> ${MARKER}\n> ## fwc\nwhy is this failing?`;
  const before = structuredClone(comments);
  const gh = await fakeGitHub(comments);
  try {
    const dir = commentRepo('## fwc\n\nfirst push\n');
    const first = await commentStep(dir, gh.url);
    assert.is(first.code, 0, first.stderr);
    assert.equal(
      gh.requests.map((q) => `${q.method} ${q.url}`),
      [
        'GET /repos/acme/infra/issues/7/comments?per_page=100&page=1',
        'GET /repos/acme/infra/issues/7/comments?per_page=100&page=2',
        'POST /repos/acme/infra/issues/7/comments',
      ],
    );
    const posted = gh.requests[2]!.body.body as string;
    assert.is(posted, `${MARKER}\n## fwc\n\nfirst push\n`);
    assert.match(first.stdout, /created comment 9000/);
    for (const q of gh.requests) assert.is(q.authorization, 'Bearer ghs_testtoken');

    gh.requests.length = 0;
    writeFileSync(join(dir, 'fwc-comment.md'), `${MARKER}\n## fwc\n\nsecond push\n`);
    const second = await commentStep(dir, gh.url);
    assert.is(second.code, 0, second.stderr);
    assert.equal(
      gh.requests.map((q) => `${q.method} ${q.url}`),
      [
        'GET /repos/acme/infra/issues/7/comments?per_page=100&page=1',
        'GET /repos/acme/infra/issues/7/comments?per_page=100&page=2',
        'PATCH /repos/acme/infra/issues/comments/9000',
      ],
    );
    assert.match(second.stdout, /updated comment 9000/);
    for (const q of gh.requests) assert.is(q.authorization, 'Bearer ghs_testtoken');
    // One fwc comment, with the second push's report (the marker once); the others as they were.
    assert.is(gh.comments.length, 151);
    assert.is(gh.comments[150]!.body, `${MARKER}\n## fwc\n\nsecond push\n`);
    assert.equal(gh.comments.slice(0, 150), before);
  } finally {
    await gh.close();
  }
});

CommentScript('exactly one full page of other comments: asks for the next page, then posts', async () => {
  const gh = await fakeGitHub(others(100));
  try {
    const r = await commentStep(commentRepo('report'), gh.url);
    assert.is(r.code, 0, r.stderr);
    assert.equal(
      gh.requests.map((q) => `${q.method} ${q.url.replace(/\?.*/, '')}`),
      ['GET /repos/acme/infra/issues/7/comments', 'GET /repos/acme/infra/issues/7/comments', 'POST /repos/acme/infra/issues/7/comments'],
    );
  } finally {
    await gh.close();
  }
});

CommentScript('a report longer than GitHub allows is cut to 65536 characters, with a note', async () => {
  const gh = await fakeGitHub([]);
  try {
    const r = await commentStep(commentRepo(`## fwc\n\n${'| a | b | tcp 1 |\n'.repeat(6000)}`), gh.url);
    assert.is(r.code, 0, r.stderr);
    const body = gh.requests.find((q) => q.method === 'POST')!.body.body as string;
    assert.ok(body.length <= 65536, `${body.length} characters`);
    assert.ok(body.startsWith(`${MARKER}\n## fwc\n`));
    assert.match(body, /cut here: the report is longer than a GitHub comment can be/);
  } finally {
    await gh.close();
  }
});

CommentScript('a GitHub API error exits 1 with one clear line and no stack trace', async () => {
  const gh = await fakeGitHub([], { method: 'POST', status: 403, message: 'Resource not accessible by integration' });
  try {
    const r = await commentStep(commentRepo('report'), gh.url);
    assert.is(r.code, 1);
    assert.is(r.stderr, 'post-comment: POST /repos/acme/infra/issues/7/comments: 403 Forbidden: Resource not accessible by integration\n');
    assert.is(r.stdout, '');
  } finally {
    await gh.close();
  }
  // Nothing listening: the same, naming the request.
  const closed = await commentStep(commentRepo('report'), 'http://127.0.0.1:9');
  assert.is(closed.code, 1);
  assert.match(closed.stderr, /^post-comment: GET http:\/\/127\.0\.0\.1:9\/repos\/acme\/infra\/issues\/7\/comments\?per_page=100&page=1: .+\n$/);
  // No comment file.
  const dir = commentRepo('report');
  rmSync(join(dir, 'fwc-comment.md'));
  const missing = await commentStep(dir, 'http://127.0.0.1:9');
  assert.is(missing.code, 1);
  assert.is(missing.stderr, 'post-comment: cannot read fwc-comment.md: ENOENT\n');
});

CommentScript('the check step’s report is what the comment step posts, in the same repository', async () => {
  const pr = pullRequest(widenAndNarrow);
  assert.is((await checkStep(pr)).code, 0);
  const gh = await fakeGitHub([]);
  try {
    const r = await commentStep(pr.dir, gh.url);
    assert.is(r.code, 0, r.stderr);
    assert.is(gh.comments.length, 1);
    assert.is(gh.comments[0]!.body, readFileSync(commentFile(pr), 'utf8'));
    assert.ok(gh.comments[0]!.body.startsWith(`${MARKER}\n## fwc\n`), 'the marker once, first');
  } finally {
    await gh.close();
  }
});

CommentScript.run();

// ---------------------------------------------------------------------------------------------------
// The workflow file itself.

const Workflow = suite('fwc-pull-request.yml');

Workflow('runs on pull requests, reading contents and writing pull requests only', () => {
  assert.type(WORKFLOW, 'object');
  assert.ok(WORKFLOW.on && 'pull_request' in WORKFLOW.on, 'triggers on pull_request');
  assert.equal(Object.keys(WORKFLOW.on), ['pull_request']);
  assert.equal(WORKFLOW.permissions, { contents: 'read', 'pull-requests': 'write' });
  for (const [name, job] of Object.entries<any>(WORKFLOW.jobs)) assert.is(job.permissions, undefined, `job ${name} widens the permissions`);
  const checkout = STEPS.find((s) => s.uses?.startsWith('actions/checkout@'));
  assert.is(checkout?.with?.['fetch-depth'], 0, 'fwc diff --base needs the base branch in the clone');
});

Workflow('each run step is npm ci or one of the scripts the tests above run, with the arguments they expect', () => {
  const runs = STEPS.filter((s) => s.run !== undefined).map((s) => s.run!.trim());
  assert.equal(runs, ['npm ci', CHECK_STEP?.run?.trim(), COMMENT_STEP?.run?.trim()]);
  const check = expand(CHECK_STEP!.run!, { 'github.base_ref': 'main' }).trim().split(/\s+/);
  assert.equal(check, ['examples/github-actions/pr-check.sh', '"origin/$BASE_REF"', 'policies', 'compiled', 'fwc-comment.md']);
  assert.is(expand(CHECK_STEP!.env!.BASE_REF!, { 'github.base_ref': 'main' }), 'main');
  assert.equal(COMMENT_STEP!.run!.trim().split(/\s+/), ['node', 'examples/github-actions/post-comment.mjs', 'fwc-comment.md']);
  // The scripts are where the steps name them, and pr-check.sh (called directly) is executable.
  assert.ok(statSync(join(ROOT, 'examples/github-actions/pr-check.sh')).mode & 0o100, 'pr-check.sh is executable');
  assert.ok(existsSync(join(ROOT, 'examples/github-actions/post-comment.mjs')));
});

Workflow('the steps pass what the scripts read; the comment is posted after a failed check, never from a fork', () => {
  // pr-check.sh reads the token; post-comment.mjs reads these, GITHUB_REPOSITORY and GITHUB_API_URL
  // being set by GitHub Actions itself.
  assert.equal(CHECK_STEP!.env!.DIGITALOCEAN_TOKEN, '${{ secrets.DIGITALOCEAN_READ_TOKEN }}');
  const source = readFileSync(join(EXAMPLE, 'post-comment.mjs'), 'utf8');
  const read = new Set(source.match(/\b(GITHUB_[A-Z_]+|PR_NUMBER)\b/g));
  const provided = new Set([...Object.keys(COMMENT_STEP!.env ?? {}), 'GITHUB_REPOSITORY', 'GITHUB_API_URL']);
  for (const name of read) assert.ok(provided.has(name), `post-comment.mjs reads ${name}, which the step does not set`);
  const condition = COMMENT_STEP!.if ?? '';
  assert.match(condition, /always\(\)|!cancelled\(\)/, 'the comment step runs when the check step fails');
  assert.match(condition, `steps.${CHECK_STEP!.id}.outcome != 'skipped'`, 'only when the check step ran and wrote the comment file');
  assert.match(condition, 'github.event.pull_request.head.repo.full_name == github.repository');
});

Workflow.after(() => rmSync(TMP, { recursive: true, force: true }));
Workflow.run();
