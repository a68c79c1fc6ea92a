/** @module Runs the shared provider contract against the ComfyUI simulator, behind a bearer-token proxy. */
import { startComfyuiSimulator } from '../../../test/simulators/comfyui.js';
import { runProviderContract } from '../provider-suite.js';
import { comfyuiDefinition } from './index.js';

const TOKEN = 'comfy-proxy-token-0123456789';

runProviderContract({
  name: 'comfyui',
  definition: comfyuiDefinition,
  // Two empty polls first, so every case goes through the real wait for /history.
  startSimulator: () => startComfyuiSimulator({ credentials: TOKEN, pollSteps: 2 }),
  credentials: TOKEN,
  wrongCredentials: 'not-the-token',
  options: { pollIntervalMs: 5 },
  skip: {
    moderation: 'ComfyUI has no moderation: it runs whatever workflow it is given and has no refusal to map',
    'bad-request':
      "ComfyUI's only 400 is /prompt refusing the workflow (prompt_outputs_failed_validation, missing_node_type...): the channel's workflow or model files are wrong, not the caller's request, so it is a server_error (tested in comfyui.test.ts)",
  },
});
