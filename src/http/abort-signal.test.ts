import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { FastifyReply } from 'fastify';
import { requestSignals } from './abort-signal.js';

/** A response as onHangUp sees it: its events and its two flags. */
const response = (gone = false) => Object.assign(new EventEmitter(), { destroyed: gone, writableEnded: false });
const replyOf = (raw: EventEmitter) => ({ raw }) as unknown as FastifyReply;

test('the request’s signal fires with the shutdown’s reason, and not when its response finished', () => {
  const shutdown = new AbortController();
  const signalFor = requestSignals(shutdown.signal);
  const raw = response();
  const finished = signalFor(replyOf(raw));
  raw.emit('finish');
  raw.emit('close');
  assert.equal(finished.aborted, false);

  const live = signalFor(replyOf(response()));
  const reason = new Error('grace period over');
  shutdown.abort(reason);
  assert.equal(live.reason, reason);
  assert.equal(finished.aborted, false, 'a request already answered is not aborted by a later shutdown');
  assert.equal(signalFor(replyOf(response())).reason, reason, 'a request arriving after shutdown starts aborted');
});

test('a client that hung up aborts the request’s signal with client_closed_request', () => {
  const signalFor = requestSignals(new AbortController().signal);
  const gone = signalFor(replyOf(response(true)));
  assert.equal((gone.reason as { code?: string }).code, 'client_closed_request');

  const raw = response();
  const left = requestSignals()(replyOf(raw));
  raw.emit('close');
  assert.equal((left.reason as { code?: string }).code, 'client_closed_request');
});

test('shutdown keeps nothing of requests that are over: a long-running station does not grow with its traffic', () => {
  const shutdown = new AbortController();
  const signalFor = requestSignals(shutdown.signal);
  const responses = Array.from({ length: 1000 }, () => response());
  for (const raw of responses) signalFor(replyOf(raw));
  assert.equal(signalFor.open(), 1000);
  for (const [i, raw] of responses.entries()) {
    if (i % 2) raw.emit('finish');
    raw.emit('close');
  }
  assert.equal(signalFor.open(), 0);
  signalFor(replyOf(response(true)));
  assert.equal(signalFor.open(), 0, 'a request whose client was already gone is never kept');
});
