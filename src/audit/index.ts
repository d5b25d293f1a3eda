/**
 * The public face of audit/: `fwc audit`'s findings and their formats.
 */
export { atLeast, audit } from './audit.js';
export type { AuditInput } from './audit.js';
export { renderGithub } from './format/github.js';
export { renderJson } from './format/json.js';
export { renderMarkdown } from './format/markdown.js';
export { renderSarif } from './format/sarif.js';
export { renderText } from './format/text.js';
export { AddressSpace } from './internet.js';
export { ALL_RULES, LEVELS, lookupRule } from './rules.js';
export type { Level } from './rules.js';
export { SUPPRESSION_FILE, SuppressionError, parseSuppressions } from './suppressions.js';
