/**
 * The station's Node flags (decisions 97, 105 and 109) are written in two places a user starts it from,
 * `npm start` and the Dockerfile, and the benchmark reads them from `npm start`: they must agree.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startFlags } from '../bench/start-flags.js';

test('the Dockerfile starts the station with the same Node flags as npm start', () => {
  const flags = startFlags(new URL('..', import.meta.url).pathname);
  for (const flag of ['--max-semi-space-size=4', '--no-memory-reducer', '--single-threaded-gc']) assert.ok(flags.includes(flag), `npm start's flags: ${flags.join(' ')}`);
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8'));
  assert.ok(cmd, 'the Dockerfile has an exec-form CMD');
  assert.deepEqual(JSON.parse(cmd[1]!), ['node', ...flags, 'bin/aigate.js', 'serve']);
});
