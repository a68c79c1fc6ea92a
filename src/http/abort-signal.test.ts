import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { FastifyReply } from 'fastify';
import { abortSignalFor } from './abort-signal.js';

/** A response as onHangUp sees it: its events and its two flags. */
const response = (gone = false) => Object.assign(new EventEmitter(), { destroyed: gone, writableEnded: false });
const replyOf = (raw: EventEmitter) => ({ raw }) as unknown as FastifyReply;

test('the request’s signal fires with the shutdown’s reason, and not when its response finished', () => {
  const shutdown = new AbortController();
  const raw = response();
  const finished = abortSignalFor(replyOf(raw), shutdown.signal);
  raw.emit('finish');
  raw.emit('close');
  assert.equal(finished.aborted, false);

  const live = abortSignalFor(replyOf(response()), shutdown.signal);
  const reason = new Error('grace period over');
  shutdown.abort(reason);
  assert.equal(live.reason, reason);
});

test('a client that hung up aborts the request’s signal with client_closed_request', () => {
  const gone = abortSignalFor(replyOf(response(true)), new AbortController().signal);
  assert.equal((gone.reason as { code?: string }).code, 'client_closed_request');

  const raw = response();
  const left = abortSignalFor(replyOf(raw));
  raw.emit('close');
  assert.equal((left.reason as { code?: string }).code, 'client_closed_request');
});
