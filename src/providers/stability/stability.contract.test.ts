/** @module The shared provider contract, run against the Stability v2beta simulator. */
import { startStabilitySimulator, STABILITY_SIM_KEY } from '../../../test/simulators/stability.js';
import { runProviderContract } from '../provider-suite.js';
import { STABILITY_SD3_MODELS } from './request.js';
import { stabilityDefinition } from './index.js';

runProviderContract({
  name: 'stability',
  definition: stabilityDefinition,
  // The contract maps sd3.5-large to a name of its own; a Stability-compatible server whose
  // catalogue knows that name (a chained station's is configuration) serves it.
  startSimulator: () => startStabilitySimulator({ models: [...STABILITY_SD3_MODELS, 'mapped-upstream-model'] }),
  credentials: STABILITY_SIM_KEY,
  wrongCredentials: 'sk-thisKeyDoesNotExistAnywhere000000000000000000000',
});
