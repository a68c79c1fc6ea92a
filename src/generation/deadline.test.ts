import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadline } from './deadline.js';

test('the call’s signal fires with the request’s reason', () => {
  const request = new AbortController();
  const call = deadline(request.signal, 60_000);
  const reason = new Error('client left');
  request.abort(reason);
  assert.equal(call.signal.reason, reason);
  call.dispose();
});

test('the call’s signal fires with a TimeoutError once the channel’s time is up', async () => {
  const call = deadline(new AbortController().signal, 5);
  // The deadline's timer does not hold the process open (unref), so the test holds it.
  const holdOpen = setTimeout(() => undefined, 10_000);
  await new Promise((resolve) => call.signal.addEventListener('abort', resolve, { once: true }));
  clearTimeout(holdOpen);
  assert.equal((call.signal.reason as Error).name, 'TimeoutError');
});

test('a request already aborted gives an aborted call; a disposed call never fires', () => {
  const gone = new AbortController();
  gone.abort(new Error('gone'));
  assert.equal(deadline(gone.signal, 60_000).signal.aborted, true);

  const request = new AbortController();
  const call = deadline(request.signal, 60_000);
  call.dispose();
  request.abort(new Error('later'));
  assert.equal(call.signal.aborted, false);
});
