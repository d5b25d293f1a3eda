/**
 * Executing an apply: the ordered, proven steps of plan/steps.ts, sent one by one through an ApplyApi
 * (the DigitalOcean client, or a fake in tests). Every step is idempotent in effect, so that an apply
 * interrupted anywhere — an error, Ctrl-C, a killed process, a lost response — is finished by running
 * apply again:
 *
 * - a create whose response was lost, or that a concurrent apply won, meets DigitalOcean's "duplicate
 *   name": the firewall is looked up by name and adopted (and replaced by the created state if its
 *   rules differ — the state the proof checked for that step);
 * - deleting what is already gone, removing rules that are already gone, adding rules that are already
 *   there and creating tags that exist are successes;
 * - a rule change that DigitalOcean refuses (a limit reached while old and new rules coexist) is read
 *   again and retried once, then replaced by one PUT of the firewall as the proof has it after that step
 *   — never by its final state, which the proof did not check at that point.
 */
import { match } from 'ts-pattern';
import { type Firewall, type Rule, ruleKey } from '../model/index.js';
import { describeStep, type Step } from '../plan/index.js';
import { firewallToApi, type ApiFirewallBody } from '../compile/index.js';

/** An API error as the executor needs to see it. */
export interface ApplyError extends Error {
  readonly status?: number;
  /** True when the request may or may not have been carried out (the connection dropped). */
  readonly ambiguous?: boolean;
}

/** What the executor asks of the DigitalOcean API. */
export interface ApplyApi {
  createTag(name: string): Promise<void>;
  createFirewall(body: ApiFirewallBody): Promise<{ id: string }>;
  /** Finds a firewall by name (null when there is none). */
  findFirewall(name: string): Promise<{ id: string; firewall: Firewall } | null>;
  replaceFirewall(id: string, body: ApiFirewallBody): Promise<void>;
  /** Adds the rules the firewall does not hold yet; resolves with the number of requests sent (0 or 1). */
  addRules(id: string, rules: readonly Rule[]): Promise<number>;
  /**
   * Removes rules, matching them against the stored form DigitalOcean keeps (the client knows it), and
   * keeping every stored entry that `keep` (the firewall's rules after the step) holds. Resolves with
   * the number of requests sent (0 when nothing is stored that must go).
   */
  removeRules(id: string, rules: readonly Rule[], keep: readonly Rule[]): Promise<number>;
  addTags(id: string, tags: readonly string[]): Promise<void>;
  removeTags(id: string, tags: readonly string[]): Promise<void>;
  addDroplets(id: string, ids: readonly number[]): Promise<void>;
  removeDroplets(id: string, ids: readonly number[]): Promise<void>;
  deleteFirewall(id: string): Promise<void>;
  replaceDatabaseRules(id: string, rules: readonly { type: string; value: string; uuid?: string }[]): Promise<void>;
}

export interface ApplyProgress {
  start(total: number): void;
  step(index: number, total: number, text: string): void;
  note(text: string): void;
}

export interface ApplyResult {
  /** How many steps were carried out (all of them unless stopped or failed). */
  readonly done: number;
  readonly total: number;
  /** Ids of the firewalls that were created or changed (to wait for). */
  readonly changed: readonly string[];
  /** Why the apply stopped early, if it did. */
  readonly stopped?: 'interrupted' | 'failed';
  readonly error?: Error;
}

const status = (e: unknown) => (e as ApplyError).status;
/** DigitalOcean refuses a rule change it cannot make in the state it has (a limit reached while old and new rules coexist). */
const isRefusal = (e: unknown) => status(e) === 422 || status(e) === 400;
const isDuplicateName = (e: unknown) => {
  const s = status(e);
  return (s === 409 || s === 422) && /duplicate|already|exist|taken|unique/i.test((e as Error).message);
};

type RuleStep = Extract<Step, { kind: 'add-rules' | 'remove-rules' }>;

export async function executeSteps(steps: readonly Step[], api: ApplyApi, progress: ApplyProgress, signal: AbortSignal): Promise<ApplyResult> {
  const executor = new Executor(api, progress);
  progress.start(steps.length);
  const result = (done: number, stop?: Pick<ApplyResult, 'stopped' | 'error'>): ApplyResult => ({ done, total: steps.length, changed: [...executor.changed], ...stop });
  for (let i = 0; i < steps.length; i++) {
    if (signal.aborted) return result(i, { stopped: 'interrupted' });
    const step = steps[i]!;
    progress.step(i + 1, steps.length, describeStep(step));
    try {
      await executor.run(step);
    } catch (error) {
      return result(i, { stopped: 'failed', error: error as Error });
    }
  }
  return result(steps.length);
}

/** Runs steps one at a time, keeping the ids of the firewalls it created and of those it changed. */
class Executor {
  /** Ids of the firewalls created or changed (to wait for). */
  readonly changed = new Set<string>();
  /** Ids of the firewalls created, by lower-case name (a bridge is deleted by name). */
  private readonly created = new Map<string, string>();

  constructor(
    private readonly api: ApplyApi,
    private readonly progress: ApplyProgress,
  ) {}

  run(step: Step): Promise<void> {
    const { api } = this;
    return match(step)
      .with({ kind: 'create-tag' }, (s) => api.createTag(s.tag))
      .with({ kind: 'create-firewall' }, (s) => this.createFirewall(s.firewall))
      .with({ kind: 'replace-firewall' }, (s) => this.changing(s.id, () => api.replaceFirewall(s.id, firewallToApi(s.firewall))))
      .with({ kind: 'add-rules' }, (s) => this.ruleChange(s, () => api.addRules(s.id, s.rules)))
      .with({ kind: 'remove-rules' }, (s) => this.ruleChange(s, () => api.removeRules(s.id, s.rules, s.after?.rules ?? [])))
      .with({ kind: 'add-tags' }, (s) => this.changing(s.id, () => api.addTags(s.id, s.tags)))
      .with({ kind: 'remove-tags' }, (s) => this.changing(s.id, () => ignore404(() => api.removeTags(s.id, s.tags))))
      .with({ kind: 'add-droplets' }, (s) => this.changing(s.id, () => api.addDroplets(s.id, s.dropletIds)))
      .with({ kind: 'remove-droplets' }, (s) => this.changing(s.id, () => ignore404(() => api.removeDroplets(s.id, s.dropletIds))))
      .with({ kind: 'replace-database' }, (s) => api.replaceDatabaseRules(s.id, s.rules))
      .with({ kind: 'delete-firewall' }, (s) => this.deleteFirewall(s.id, s.name))
      .exhaustive();
  }

  private async changing(id: string, send: () => Promise<void>): Promise<void> {
    await send();
    this.changed.add(id);
  }

  private async createFirewall(firewall: Firewall): Promise<void> {
    let id: string;
    try {
      id = (await this.api.createFirewall(firewallToApi(firewall))).id;
    } catch (error) {
      // A create that may have happened, or that another apply made first: look it up and adopt it.
      if (!isDuplicateName(error) && !(error as ApplyError).ambiguous) throw error;
      id = await this.adopt(firewall);
    }
    this.created.set(firewall.name.toLowerCase(), id);
    this.changed.add(id);
  }

  private async adopt(firewall: Firewall): Promise<string> {
    const found = await this.api.findFirewall(firewall.name);
    if (!found) throw new Error(`DigitalOcean says firewall ${firewall.name} exists, but it cannot be found`);
    const want = new Set(firewall.rules.map(ruleKey));
    const have = new Set(found.firewall.rules.map(ruleKey));
    const same = want.size === have.size && [...want].every((k) => have.has(k));
    if (!same || found.firewall.tags.join() !== firewall.tags.join()) await this.api.replaceFirewall(found.id, firewallToApi(firewall));
    this.progress.note(`${firewall.name} already existed (a lost response or another apply); adopted ${found.id}`);
    return found.id;
  }

  /** Adds or removes rules; removing from a firewall that is gone is done. */
  private async ruleChange(step: RuleStep, send: () => Promise<number>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (step.kind === 'remove-rules' && status(error) === 404) return;
      if (!isRefusal(error)) throw error;
      await this.refused(step, error, send);
    }
    this.changed.add(step.id);
  }

  /**
   * A rule change DigitalOcean refused: read again and try once more (what was missing may be there
   * now), then put the firewall as the proof has it after this step, in one request.
   */
  private async refused(step: RuleStep, cause: unknown, again: () => Promise<number>): Promise<void> {
    try {
      await again();
      return;
    } catch (error) {
      if (!isRefusal(error)) throw error;
    }
    if (!step.after) throw cause;
    this.progress.note(`${step.name}: DigitalOcean refused the change (${(cause as Error).message}); putting the firewall as this step leaves it, in one request`);
    await this.api.replaceFirewall(step.id, firewallToApi(step.after));
  }

  private async deleteFirewall(known: string | null, name: string): Promise<void> {
    const id = known ?? this.created.get(name.toLowerCase()) ?? (await this.api.findFirewall(name))?.id;
    if (id === undefined) return;
    await ignore404(() => this.api.deleteFirewall(id));
    this.changed.delete(id);
  }
}

async function ignore404(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (error) {
    if (status(error) !== 404) throw error;
  }
}
