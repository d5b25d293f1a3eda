// godo, DigitalOcean's official Go client (Debian's golang-github-digitalocean-godo-dev, godo 1.37),
// drives the emulator through test/godo/conformance.go: tags, droplets, every firewall endpoint,
// pagination by godo's links, errors decoded as *godo.ErrorResponse, rate-limit headers in resp.Rate.
// Every check of the program must print `ok`, and every request godo sent and every response it got
// must keep the OpenAPI contract. Without Go and godo the test fails; it does not skip.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SeedData } from '../../src/emulator/index.js';
import { assertNoContractViolations, startTestEmulator, TOKEN } from '../helpers/emulator.js';

const GOPATH = '/usr/share/gocode';
const GODO = join(GOPATH, 'src/github.com/digitalocean/godo');
const PROGRAM = fileURLToPath(new URL('./conformance.go', import.meta.url));
const INSTALL = 'install Go and godo: apt-get install -y golang-go golang-github-digitalocean-godo-dev';

/** What the program needs (two droplets tagged web, one tagged db), a GPU droplet it must not list, a firewall of its own. */
const SEED: SeedData = {
  tags: ['web', 'db'],
  droplets: [
    { id: 101, name: 'web-1', tags: ['web'], public_ipv4: '203.0.113.11', private_ipv4: '10.0.0.11', public_ipv6: '2001:db8::11' },
    { id: 102, name: 'web-2', tags: ['web'], private_ipv4: '10.0.0.12' },
    { id: 103, name: 'db-1', tags: ['db'], private_ipv4: '10.0.0.13' },
    { id: 104, name: 'gpu-1', gpu: true },
  ],
  firewalls: [{ name: 'seed-fw', tags: ['web'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0'] } }] }],
};

/** The checks of conformance.go, in order. */
const CHECKS = [
  'rate-limit',
  'droplets-list-by-tag',
  'droplets-list',
  'tags-create',
  'tags-create-existing',
  'tags-invalid',
  'tags-get',
  'tags-list',
  'create',
  'status-settles',
  'create-more',
  'list-pages',
  'get',
  'update',
  'add-rules',
  'remove-rules',
  'add-tags',
  'remove-tags',
  'add-droplets',
  'list-by-droplet',
  'list-by-droplet-missing',
  'remove-droplets',
  'error-422-name',
  'error-422-ports',
  'error-422-no-rules',
  'error-422-too-many-rules',
  'error-duplicate-name',
  'error-401',
  'delete',
  'get-after-delete',
  'delete-again',
  'tags-delete',
];

/**
 * The requests the program makes invalid on purpose, to see godo decode the 400 and 422 answers; these
 * and no others may break the request schema. (godo's ICMP rules without `ports` are allowed by
 * src/api/schema.ts already: DO-API-FACTS.md 2.2.)
 */
const DELIBERATE = [
  // tags-invalid: a tag name with spaces.
  { operationId: 'tags_create', direction: 'request', errors: [{ path: '/name', message: 'must match pattern "^[a-zA-Z0-9_\\-\\:]+$"' }] },
  // error-422-name: a firewall name with `_` and a space.
  { operationId: 'firewalls_create', direction: 'request', errors: [{ path: '/name', message: 'must match pattern "^[a-zA-Z0-9][a-zA-Z0-9\\.-]+$"' }] },
  // error-422-ports: a tcp rule without ports.
  { operationId: 'firewalls_create', direction: 'request', errors: [{ path: '/inbound_rules/0', message: "must have required property 'ports'" }] },
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (the emulator answers from this process). */
function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr: stderr + (error && code === null ? `\n${error.message}` : '') });
    });
  });
}

const Godo = suite('godo drives the emulator');
Godo('conformance.go: every check ok, every request and response within the contract', async () => {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) assert.unreachable(`the go command is missing (${go.error?.message ?? go.stderr.trim()}); ${INSTALL}`);
  if (!existsSync(join(GODO, 'firewalls.go'))) assert.unreachable(`godo is missing from ${GODO}; ${INSTALL}`);

  const dir = mkdtempSync(join(tmpdir(), 'fwc-godo-'));
  // A Go build cache of its own (HOME may be unwritable), kept between runs so that rebuilds are quick.
  const gocache = join(tmpdir(), 'fwc-godo-gocache');
  mkdirSync(gocache, { recursive: true });
  const binary = join(dir, 'conformance');
  const env: NodeJS.ProcessEnv = { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: gocache, GOFLAGS: '' };
  // Go 1.19 builds net with cgo when it can; without a C compiler it must not try (a slower first build).
  const cc = spawnSync('go', ['env', 'CC'], { encoding: 'utf8', env }).stdout.trim() || 'gcc';
  if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) env.CGO_ENABLED = '0';
  try {
    const build = await run('go', ['build', '-o', binary, PROGRAM], env, 180_000);
    assert.is(build.code, 0, `go build failed:\n${build.stdout}${build.stderr}`);

    // Firewalls settle after 200 ms, so godo sees `waiting` with pending changes first; the rate limits
    // are DigitalOcean's.
    const em = await startTestEmulator({ seed: SEED, settleMs: 200, rateLimit: '250/min,5000/h', contract: 'record' });
    let result: Run;
    try {
      result = await run(binary, [em.url, TOKEN], { ...process.env }, 60_000);
    } finally {
      await em.stop();
    }
    const output = `${result.stdout}${result.stderr}`;
    const lines = result.stdout.split('\n').filter((l) => /^(ok|FAIL) /.test(l));
    assert.equal(lines.filter((l) => l.startsWith('FAIL')), [], `checks failed:\n${output}`);
    assert.equal(lines, CHECKS.map((c) => `ok ${c}`), `the checks that ran are not the expected ones:\n${output}`);
    assert.is(result.code, 0, `the program exited with ${result.code}:\n${output}`);

    // godo reached every endpoint it has for firewalls, tags and droplets, and no answer was a 5xx.
    const requests = em.requests();
    const operations = new Set(requests.map((r) => r.operationId ?? `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`));
    for (const op of [
      'firewalls_list', 'firewalls_create', 'firewalls_get', 'firewalls_update', 'firewalls_delete',
      'firewalls_add_rules', 'firewalls_delete_rules', 'firewalls_add_tags', 'firewalls_delete_tags',
      'firewalls_assign_droplets', 'firewalls_delete_droplets', 'GET /v2/droplets/{id}/firewalls',
      'tags_list', 'tags_create', 'tags_get', 'tags_delete', 'droplets_list',
    ]) {
      assert.ok(operations.has(op), `godo never called ${op}`);
    }
    assert.equal(requests.filter((r) => r.status === null || r.status >= 500).map((r) => `${r.method} ${r.path} ${r.status}`), []);

    // Every response keeps the contract; of the requests, only the deliberate invalid ones break it.
    assertNoContractViolations(em, { requests: false });
    assert.equal(em.contractViolations().filter((v) => v.direction === 'request'), DELIBERATE, 'a request godo sent broke the OpenAPI contract');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
Godo.run();
