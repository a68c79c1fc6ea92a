import assert from 'node:assert/strict';
import { EventEmitter, getEventListeners } from 'node:events';
import { test } from 'node:test';
import type { FastifyReply } from 'fastify';
import { abortSignalFor } from './abort-signal.js';

/** A response as onHangUp sees it: its events and its two flags. */
const response = (gone = false) => Object.assign(new EventEmitter(), { destroyed: gone, writableEnded: false });
const replyOf = (raw: EventEmitter) => ({ raw }) as unknown as FastifyReply;

test('the request’s signal fires with the shutdown’s reason, and lets the shutdown go when the response closes', () => {
  const shutdown = new AbortController();
  const raw = response();
  const signal = abortSignalFor(replyOf(raw), shutdown.signal);
  assert.equal(getEventListeners(shutdown.signal, 'abort').length, 1);
  raw.emit('finish');
  raw.emit('close');
  assert.equal(getEventListeners(shutdown.signal, 'abort').length, 0, 'no listener left on the station-wide signal');
  assert.equal(signal.aborted, false);

  const live = abortSignalFor(replyOf(response()), shutdown.signal);
  const reason = new Error('grace period over');
  shutdown.abort(reason);
  assert.equal(live.reason, reason);
});

test('a response already gone aborts at once and leaves no listener on the shutdown signal', () => {
  const shutdown = new AbortController();
  const signal = abortSignalFor(replyOf(response(true)), shutdown.signal);
  assert.equal(signal.aborted, true);
  assert.equal((signal.reason as { code?: string }).code, 'client_closed_request');
  assert.equal(getEventListeners(shutdown.signal, 'abort').length, 0);
});
