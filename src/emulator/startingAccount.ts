/**
 * The account an emulator starts with: the state file if there is one, else the seed, else an empty
 * account. The seed is resolved (read, if it is a file) and applied once; with a state file its tokens
 * still apply, and its account is built too — checked, and drawing its ids — but the state file's wins.
 */
import type { TokenSpec } from './auth.js';
import { applySeed, readSeedFile, type SeedData } from './seed.js';
import { loadState, persistState, type EmulatorState } from './state.js';

export interface StartingAccount {
  readonly state: EmulatorState;
  /** The seed's tokens, granted besides the emulator's own. */
  readonly tokens: readonly TokenSpec[];
}

export function startingAccount(stateFile: string | undefined, seed: SeedData | string | undefined, newId: () => string): StartingAccount {
  const fromFile = stateFile ? loadState(stateFile) : null;
  // An empty seed path counts as no seed, as it always has.
  const seedData = !seed ? {} : typeof seed === 'string' ? readSeedFile(seed) : seed;
  const seeded = applySeed(seedData, newId);
  const state = fromFile ?? seeded.state;
  // The state file is written at once: an emulator that could not keep its state must not start.
  if (stateFile) writeStartingState(stateFile, state);
  return { state, tokens: seeded.tokens };
}

function writeStartingState(stateFile: string, state: EmulatorState): void {
  try {
    persistState(stateFile, state);
  } catch (error) {
    throw new Error(`cannot write the state file ${stateFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
