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
const isDuplicateName = (e: unknown) => {
  const s = status(e);
  return (s === 409 || s === 422) && /duplicate|already|exist|taken|unique/i.test((e as Error).message);
};

export async function executeSteps(steps: readonly Step[], api: ApplyApi, progress: ApplyProgress, signal: AbortSignal): Promise<ApplyResult> {
  const ids = new Map<string, string>();
  const changed = new Set<string>();
  progress.start(steps.length);

  const adopt = async (firewall: Firewall): Promise<string> => {
    const found = await api.findFirewall(firewall.name);
    if (!found) throw new Error(`DigitalOcean says firewall ${firewall.name} exists, but it cannot be found`);
    const want = new Set(firewall.rules.map(ruleKey));
    const have = new Set(found.firewall.rules.map(ruleKey));
    const same = want.size === have.size && [...want].every((k) => have.has(k));
    if (!same || found.firewall.tags.join() !== firewall.tags.join()) await api.replaceFirewall(found.id, firewallToApi(firewall));
    progress.note(`${firewall.name} already existed (a lost response or another apply); adopted ${found.id}`);
    return found.id;
  };

  /**
   * A rule change DigitalOcean refused: read again and try once more (what was missing may be there
   * now), then put the firewall as the proof has it after this step, in one request.
   */
  const refused = async (step: Extract<Step, { kind: 'add-rules' | 'remove-rules' }>, cause: unknown, again: () => Promise<number>) => {
    try {
      await again();
      return;
    } catch (error) {
      if (status(error) !== 422 && status(error) !== 400) throw error;
    }
    if (!step.after) throw cause;
    progress.note(`${step.name}: DigitalOcean refused the change (${(cause as Error).message}); putting the firewall as this step leaves it, in one request`);
    await api.replaceFirewall(step.id, firewallToApi(step.after));
  };

  for (let i = 0; i < steps.length; i++) {
    if (signal.aborted) return { done: i, total: steps.length, changed: [...changed], stopped: 'interrupted' };
    const step = steps[i]!;
    progress.step(i + 1, steps.length, describeStep(step));
    try {
      await run(step);
    } catch (error) {
      return { done: i, total: steps.length, changed: [...changed], stopped: 'failed', error: error as Error };
    }
  }
  return { done: steps.length, total: steps.length, changed: [...changed] };

  async function run(step: Step): Promise<void> {
    const idOf = (id: string | null, name: string) => id ?? ids.get(name.toLowerCase());
    switch (step.kind) {
      case 'create-tag':
        await api.createTag(step.tag);
        return;
      case 'create-firewall': {
        let id: string;
        try {
          id = (await api.createFirewall(firewallToApi(step.firewall))).id;
        } catch (error) {
          // A create that may have happened, or that another apply made first: look it up and adopt it.
          if (!isDuplicateName(error) && !(error as ApplyError).ambiguous) throw error;
          id = await adopt(step.firewall);
        }
        ids.set(step.firewall.name.toLowerCase(), id);
        changed.add(id);
        return;
      }
      case 'replace-firewall':
        await api.replaceFirewall(step.id, firewallToApi(step.firewall));
        changed.add(step.id);
        return;
      case 'add-rules': {
        const send = () => api.addRules(step.id, step.rules);
        try {
          await send();
        } catch (error) {
          if (status(error) !== 422 && status(error) !== 400) throw error;
          await refused(step, error, send);
        }
        changed.add(step.id);
        return;
      }
      case 'remove-rules': {
        const keep = step.after?.rules ?? [];
        const send = () => api.removeRules(step.id, step.rules, keep);
        try {
          await send();
        } catch (error) {
          if (status(error) === 404) return;
          if (status(error) !== 422 && status(error) !== 400) throw error;
          await refused(step, error, send);
        }
        changed.add(step.id);
        return;
      }
      case 'add-tags':
        await api.addTags(step.id, step.tags);
        changed.add(step.id);
        return;
      case 'remove-tags':
        await ignore404(() => api.removeTags(step.id, step.tags));
        changed.add(step.id);
        return;
      case 'add-droplets':
        await api.addDroplets(step.id, step.dropletIds);
        changed.add(step.id);
        return;
      case 'remove-droplets':
        await ignore404(() => api.removeDroplets(step.id, step.dropletIds));
        changed.add(step.id);
        return;
      case 'replace-database':
        await api.replaceDatabaseRules(step.id, step.rules);
        return;
      case 'delete-firewall': {
        let id = idOf(step.id, step.name);
        if (id === undefined) id = (await api.findFirewall(step.name))?.id;
        if (id === undefined) return;
        await ignore404(() => api.deleteFirewall(id!));
        changed.delete(id);
        return;
      }
    }
  }
}

async function ignore404(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (error) {
    if (status(error) !== 404) throw error;
  }
}
