/**
 * The public face of plan/: desired × live to a `Plan`, the order of an apply and its proof, the
 * plan document and its renderers.
 */
export { planDocumentProblem } from './checkDocument.js';
export { computeDiff } from './diff.js';
export { planDocument, warningFromDocument } from './document.js';
export type { PlanDocument, RuleDoc } from './document.js';
export { accountHosts, dropletClasses } from './hosts.js';
export type { DropletClass } from './hosts.js';
export { forChangedPairs } from './changedPairs.js';
export { computePlan, databaseAccess, databaseFingerprint, planChanges, replanSaved } from './plan.js';
export { renderMarkdown } from './renderMarkdown.js';
export { renderText } from './renderText.js';
export { resolveDesired } from './resolve.js';
export type { ResolvedDesired } from './resolve.js';
export { describeStep, orderSteps } from './steps.js';
export type { OrderedSteps, Step } from './steps.js';
export { PLAN_FORMAT_VERSION, hasChanges } from './types.js';
export type { Account, LiveDatabase, LiveDroplet, LiveFirewall, Plan } from './types.js';
export { isGuardWarning } from './warnings/rules.js';
