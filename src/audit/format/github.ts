/**
 * `--format github`: GitHub Actions workflow commands, one annotation per finding
 * (`::error file=…,line=…,col=…,title=…::message`), so a job's log and summary show them; findings from
 * a policy statement annotate the file and line. Accepted findings are left out.
 * NOTE: escaping as the runner expects (actions/toolkit, command.ts): %, CR and LF in the message;
 * also `:` and `,` in properties.
 */
import type { Finding } from '../finding.js';
import { RULES } from '../rules.js';
import { trafficText } from './text.js';

/** How many lines of traffic an annotation lists: more would bury the fix under it in the job log. */
const MAX_TRAFFIC_IN_ANNOTATION = 6;

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function renderGithub(findings: readonly Finding[]): string {
  const out: string[] = [];
  for (const f of findings) {
    if (f.accepted) continue;
    const r = RULES[f.rule];
    const props: string[] = [];
    if (f.location) {
      props.push(`file=${escapeProperty(f.location.file)}`, `line=${f.location.line}`, `col=${f.location.column}`, `endLine=${f.location.endLine}`, `endColumn=${f.location.endColumn}`);
    }
    props.push(`title=${escapeProperty(`${r.id} ${r.name}`)}`);
    const command = f.level === 'note' ? 'notice' : f.level;
    const traffic = trafficText(f);
    const body = [f.message, ...(traffic.length > 0 ? [`traffic: ${traffic.slice(0, MAX_TRAFFIC_IN_ANNOTATION).join('; ')}`] : []), `fix: ${f.fix}`, `key: ${f.key}`].join('\n');
    out.push(`::${command} ${props.join(',')}::${escapeData(body)}`);
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}
