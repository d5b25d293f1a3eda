/**
 * `fwc compile [PATH…]`: policies to DigitalOcean firewall request bodies — on stdout, or one file per
 * policy in --out DIR; with --check, fail when the files in DIR are not what the policies compile to.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { diagnostic } from '../../diagnostics/index.js';
import { buildPolicies } from '../../pipeline/index.js';
import { compiledDocument, serialize } from '../compiledOutput.js';
import { writeFileAtomic } from '../files.js';
import { readPolicies } from '../readPolicies.js';
import { AS_OF_OPTION, DIAGNOSTICS_OPTION, asOfDate, reportDiagnostics } from '../report.js';

export const spec: CommandSpec = {
  name: 'compile',
  usage: 'fwc compile [PATH…] [--format json|yaml] [--out DIR] [--check] [--as-of YYYY-MM-DD]',
  summary: 'Compile policies to DigitalOcean firewall request bodies (stdout, or one file per policy in DIR).',
  description:
    'Each firewall is exactly the body of POST /v2/firewalls; database trusted sources are the body of\n' +
    'PUT /v2/databases/{id}/firewall. Load balancers, clusters and droplets named in a policy are listed\n' +
    'under "x-fwc-unresolved" until `fwc plan` resolves them. The same policies always give the same bytes.',
  options: {
    format: { type: 'string', value: 'FORMAT', description: 'output format (default json)', choices: ['json', 'yaml'] },
    out: { type: 'string', value: 'DIR', description: 'write DIR/<policy>.json (or .yaml) instead of stdout' },
    check: { type: 'boolean', description: 'with --out: change nothing, fail if the files in DIR are stale (for CI)' },
    'as-of': AS_OF_OPTION,
    diagnostics: DIAGNOSTICS_OPTION,
  },
  exitCodes: '0  compiled (or, with --check, up to date)\n1  errors in the input, or stale output with --check\n2  usage error',
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const format = (args.values.format as 'json' | 'yaml' | undefined) ?? 'json';
  const out = args.values.out as string | undefined;
  if (args.values.check && !out) throw new UsageError('--check needs --out DIR: it compares the files in DIR with the policies');
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const input = readPolicies(args.positionals, io.cwd);
  const built = buildPolicies(input.files, { asOf });
  const diagnostics = [...input.diagnostics, ...built.diagnostics];
  if (reportDiagnostics(io, diagnostics, args.values.diagnostics, 'compile') || input.files.length === 0) return 1;

  if (!out) {
    io.stdout.write(serialize(compiledDocument(built.policies), format));
    return 0;
  }
  const dir = resolve(io.cwd, out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`--out ${out} is a file, not a folder`);
  const stale = [];
  for (const p of built.policies) {
    const file = join(out, `${p.policy.name}.${format}`);
    const content = serialize(compiledDocument([p]), format);
    const path = resolve(io.cwd, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current === content) continue;
    if (args.values.check) {
      stale.push(
        diagnostic('staleOutput', {
          message: current === null ? `${file} is missing` : `${file} is not what ${p.policy.file.path} compiles to`,
          path: file,
          help: [`run \`fwc compile ${args.positionals.join(' ') || '.'} --out ${out}${format === 'yaml' ? ' --format yaml' : ''}\` and commit the result`],
        }),
      );
    } else {
      writeFileAtomic(path, content);
      io.stderr.write(`wrote ${file}\n`);
    }
  }
  if (args.values.check) {
    if (reportDiagnostics(io, stale, args.values.diagnostics, 'compile --check')) return 1;
    io.stderr.write(`${out} is up to date (${built.policies.length} polic${built.policies.length === 1 ? 'y' : 'ies'})\n`);
  }
  return 0;
}
