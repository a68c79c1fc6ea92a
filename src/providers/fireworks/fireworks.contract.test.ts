/** @module The shared provider contract, run against the Fireworks simulator. */
import { startFireworksSimulator } from '../../../test/simulators/fireworks.js';
import { runProviderContract } from '../provider-suite.js';
import { fireworksDefinition } from './index.js';

runProviderContract({
  name: 'fireworks',
  definition: fireworksDefinition,
  startSimulator: () => startFireworksSimulator({ credentials: 'fw_contract_key' }),
  credentials: 'fw_contract_key',
  wrongCredentials: 'fw_revoked_key',
  skip: {
    'image-to-image':
      'Fireworks serves SD3.5 only on its workflows text_to_image API, which takes no input image; image-to-image exists only for SDXL-family models on image_generation (fireworks.test.ts covers it through a model map)',
    moderation:
      'Fireworks never refuses on moderation: with safety_check it answers 200 with Finish-Reason CONTENT_FILTERED and a filtered image (charged, as Stability does); fireworks.test.ts checks the pass-through',
  },
});
