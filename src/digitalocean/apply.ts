/**
 * Executing an apply: the ordered, proven steps of plan/steps.ts, sent one by one through an ApplyApi
 * (the DigitalOcean client, or a fake in tests). Every step is idempotent in effect, so that an apply
 * interrupted anywhere — an error, Ctrl-C, a killed process, a lost response — is finished by running
 * apply again:
 *
 * - a create whose response was lost, or that a concurrent apply won, meets DigitalOcean's "duplicate
 *   name": the firewall is looked up by name and adopted (and replaced if its rules differ);
 * - deleting what is already gone, removing rules that are already gone and creating tags that exist
 *   are successes;
 * - rule-level requests that DigitalOcean refuses (a limit reached while old and new rules coexist)
 *   fall back to one PUT of the firewall's desired state.
 */
import type { Firewall, Rule } from '../compile/types.js';
import { groupRules, ruleKey } from '../compile/rules.js';
import { describeStep, type Step } from '../plan/steps.js';
import { firewallToApi, rulesToApi, type ApiFirewallBody, type ApiRuleBody } from './toApi.js';

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
  addRules(id: string, rules: { inbound_rules: ApiRuleBody[]; outbound_rules: ApiRuleBody[] }): Promise<void>;
  /** Removes rules, matching them against the stored form DigitalOcean keeps (the client knows it). */
  removeRules(id: string, rules: readonly Rule[]): Promise<void>;
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

/** The firewall each step works on, desired state of it, and the ids of those created on the way. */
export interface ApplyContext {
  readonly desired: ReadonlyMap<string, Firewall>;
}

export async function executeSteps(
  steps: readonly Step[],
  api: ApplyApi,
  context: ApplyContext,
  progress: ApplyProgress,
  signal: AbortSignal,
): Promise<ApplyResult> {
  const ids = new Map<string, string>();
  const changed = new Set<string>();
  const replaced = new Set<string>();
  const desiredOf = (name: string) => context.desired.get(name.toLowerCase());
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

  /** Puts the firewall's final desired state in one request (the fallback for refused rule changes). */
  const replaceWithDesired = async (id: string, name: string, cause: unknown) => {
    const desired = desiredOf(name);
    if (!desired) throw cause;
    progress.note(`${name}: ${(cause as Error).message}; replacing the firewall in one request instead`);
    await api.replaceFirewall(id, firewallToApi(desired));
    replaced.add(name.toLowerCase());
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
      case 'add-rules':
        if (replaced.has(step.name.toLowerCase())) return;
        try {
          await api.addRules(step.id, rulesToApi(groupRules(step.rules)));
        } catch (error) {
          if (status(error) !== 422 && status(error) !== 400) throw error;
          await replaceWithDesired(step.id, step.name, error);
        }
        changed.add(step.id);
        return;
      case 'remove-rules':
        if (replaced.has(step.name.toLowerCase())) return;
        try {
          await api.removeRules(step.id, step.rules);
        } catch (error) {
          if (status(error) === 404) return;
          if (status(error) !== 422 && status(error) !== 400) throw error;
          await replaceWithDesired(step.id, step.name, error);
        }
        changed.add(step.id);
        return;
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
