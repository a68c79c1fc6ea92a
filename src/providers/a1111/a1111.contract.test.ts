/** @module Runs the shared provider contract against the a1111 simulator, with --api-auth on. */
import { startA1111Simulator } from '../../../test/simulators/a1111.js';
import { runProviderContract } from '../provider-suite.js';
import { a1111Definition } from './index.js';

const CREDENTIALS = 'aigate:s3cret-pass';

runProviderContract({
  name: 'a1111',
  definition: a1111Definition,
  startSimulator: () => startA1111Simulator({ credentials: CREDENTIALS }),
  credentials: CREDENTIALS,
  wrongCredentials: 'aigate:wrong-pass',
  options: { steps: 20, sampler: 'Euler' },
  skip: {
    moderation:
      'the webui API has no moderation refusal: safety-checker extensions blank or blur the image and still answer 200',
  },
});
