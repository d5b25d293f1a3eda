/**
 * `fwc show PLANFILE`: renders a plan saved with `fwc plan --out`, exactly as it was made.
 */
import { resolve } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { PLAN_FORMAT_VERSION, type PlanDocument, planDocumentProblem } from '../../plan/index.js';
import { printable, QUOTED } from '../../diagnostics/index.js';
import { FileReadError, MAX_PLAN_BYTES, readRegularFile } from '../files.js';
import { DETAILED_EXITCODE_OPTION, PLAN_FORMAT_OPTION, planExitCode, printPlan } from '../planOutput.js';

export const spec: CommandSpec = {
  name: 'show',
  usage: 'fwc show PLANFILE [--format text|markdown|json] [--detailed-exitcode]',
  summary: 'Render a plan saved with `fwc plan --out PLANFILE`.',
  options: { format: PLAN_FORMAT_OPTION, 'detailed-exitcode': DETAILED_EXITCODE_OPTION },
  exitCodes: '0  shown\n1  the file is not a readable fwc plan\n2  usage error; with --detailed-exitcode, changes present',
};

/** Reads and checks a saved plan; a file that is not one (or was damaged or edited out of shape) gets a clear message. */
export function readPlanFile(path: string, cwd: string): PlanDocument {
  let text: string;
  try {
    text = readRegularFile(resolve(cwd, path), MAX_PLAN_BYTES);
  } catch (error) {
    throw new UserError(`cannot read plan file ${printable(path)}: ${error instanceof FileReadError ? error.detail : String(error)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch {
    throw new UserError(`${printable(path)} is not a plan file (not JSON)`, 1, 'make one with `fwc plan --out PLANFILE`');
  }
  if (typeof doc !== 'object' || doc === null || (doc as PlanDocument).kind === undefined || !('summary' in doc) || !('desired' in doc)) {
    throw new UserError(`${printable(path)} is not an fwc plan file`, 1, 'make one with `fwc plan --out PLANFILE`');
  }
  const version = (doc as PlanDocument).formatVersion;
  if (version !== PLAN_FORMAT_VERSION) {
    throw new UserError(`${printable(path)} is a plan of format version ${printable(String(version))}; this fwc reads version ${PLAN_FORMAT_VERSION}`, 1, 'make the plan again with this fwc');
  }
  const problem = planDocumentProblem(doc);
  if (problem !== null) throw new UserError(`${printable(path)} is damaged or was edited: ${printable(problem, QUOTED.message)}`, 1, 'make the plan again with `fwc plan --out PLANFILE`');
  return doc as PlanDocument;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [path, ...extra] = args.positionals;
  if (path === undefined || extra.length > 0) throw new UsageError('fwc show takes one PLANFILE');
  const doc = readPlanFile(path, io.cwd);
  if (doc.createdAt && args.values.format !== 'json') io.stderr.write(`plan made ${printable(doc.createdAt)}${doc.apiUrl ? ` against ${printable(doc.apiUrl)}` : ''}\n`);
  printPlan(io, doc, args.values.format);
  return planExitCode(doc, args.values['detailed-exitcode']);
}
