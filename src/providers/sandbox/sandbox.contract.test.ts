/** The shared provider contract, run against the built-in sandbox (it has no upstream to fail). */
import { startSimulator } from '../../../test/simulators/sim-kit.js';
import { runProviderContract } from '../provider-suite.js';
import { sandboxDefinition } from './index.js';

runProviderContract({
  name: 'sandbox',
  definition: sandboxDefinition,
  // Never called: it only gives the suite a base URL to hand the provider.
  startSimulator: () => startSimulator((_req, res) => void res.writeHead(404).end()),
  credentials: null,
  hasUpstream: false,
});
