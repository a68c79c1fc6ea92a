/** @module Runs the shared provider contract against the replicate adapter and its loopback simulator. */
import { runProviderContract } from '../provider-suite.js';
import { REPLICATE_SIM_TOKEN, startReplicateSimulator } from '../../../test/simulators/replicate.js';
import { replicateDefinition } from './index.js';

// Finished on the create call (Prefer: wait), as a fast model on Replicate usually is.
runProviderContract({
  name: 'replicate',
  definition: replicateDefinition,
  startSimulator: () => startReplicateSimulator(),
  credentials: REPLICATE_SIM_TOKEN,
  wrongCredentials: 'r8_WrongToken00000000000000000000000000000',
  options: { pollIntervalMs: 10 },
});

// Still processing when the wait ends: every case again through the polling path.
runProviderContract({
  name: 'replicate (polling)',
  definition: replicateDefinition,
  startSimulator: () => startReplicateSimulator({ pollSteps: 2 }),
  credentials: REPLICATE_SIM_TOKEN,
  wrongCredentials: 'r8_WrongToken00000000000000000000000000000',
  options: { pollIntervalMs: 10 },
});
