/**
 * The emulator's choices where the real API's behaviour is not known (DO-API-FACTS.md section 9), each
 * settable so that fwc's client can be tested against every one of them.
 */
import { badRequest } from './errors.js';

export interface Behaviour {
  /** Which all-ports spellings a write accepts for tcp/udp (`"1-65535"` is always a valid range). */
  allPortsWrite: ('0' | 'all' | '')[];
  /** Status when a request names a tag that does not exist. */
  missingTagStatus: 404 | 422;
  /** Status when a firewall name is taken (seen as 409 and as 422). */
  duplicateNameStatus: 409 | 422;
  /** POST /rules with a rule that is already there. */
  duplicateRule: 'error' | 'duplicate' | 'noop';
  /** How added rules are stored: as sent, or merged into a stored rule of the same protocol, ports and action. */
  ruleStorage: 'as-sent' | 'merge';
  /** IPv6 addresses in responses: as sent, or in canonical (RFC 5952) form. */
  ipv6ReadBack: 'verbatim' | 'canonical';
  /** Whether responses carry `action` on every rule, or only on deny rules. */
  actionReadBack: 'always' | 'deny-only';
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  allPortsWrite: ['0', 'all'],
  missingTagStatus: 422,
  duplicateNameStatus: 409,
  duplicateRule: 'noop',
  ruleStorage: 'as-sent',
  ipv6ReadBack: 'verbatim',
  actionReadBack: 'deny-only',
};

/**
 * Parses `allPortsWrite=0+all,duplicateRule=error,…` (the CLI's --behaviour); unknown keys or values are
 * errors that name the accepted ones.
 */
export function parseBehaviour(spec: string): Partial<Behaviour> {
  const out: Partial<Behaviour> = {};
  const choices: Record<keyof Behaviour, readonly string[]> = {
    allPortsWrite: ['0', 'all', 'none'],
    missingTagStatus: ['404', '422'],
    duplicateNameStatus: ['409', '422'],
    duplicateRule: ['error', 'duplicate', 'noop'],
    ruleStorage: ['as-sent', 'merge'],
    ipv6ReadBack: ['verbatim', 'canonical'],
    actionReadBack: ['always', 'deny-only'],
  };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value = ''] = part.split('=') as [string, string?];
    if (!(key in choices)) throw badRequest(`unknown behaviour '${key}' (one of ${Object.keys(choices).join(', ')})`);
    const k = key as keyof Behaviour;
    const values = k === 'allPortsWrite' ? value.split('+') : [value];
    for (const v of values) if (!choices[k].includes(v)) throw badRequest(`behaviour ${key} takes ${choices[k].join(', ')}${k === 'allPortsWrite' ? ' (joined with +)' : ''}, not '${v}'`);
    switch (k) {
      case 'allPortsWrite':
        out.allPortsWrite = values.filter((v) => v !== 'none') as Behaviour['allPortsWrite'];
        break;
      case 'missingTagStatus':
        out.missingTagStatus = Number(value) as 404 | 422;
        break;
      case 'duplicateNameStatus':
        out.duplicateNameStatus = Number(value) as 409 | 422;
        break;
      case 'duplicateRule':
        out.duplicateRule = value as Behaviour['duplicateRule'];
        break;
      case 'ruleStorage':
        out.ruleStorage = value as Behaviour['ruleStorage'];
        break;
      case 'ipv6ReadBack':
        out.ipv6ReadBack = value as Behaviour['ipv6ReadBack'];
        break;
      case 'actionReadBack':
        out.actionReadBack = value as Behaviour['actionReadBack'];
        break;
    }
  }
  return out;
}
