/**
 * @module Logs as an operator reads them: JSON lines bound to the request id the client saw, one
 * completion line with the generation's model, channel and credits, and no secret anywhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingProvider, routerFor, testStation } from '../../test/helpers/test-app.js';
import { generate, scrape, SD3 } from './test-scrape.js';

type Line = Record<string, unknown>;

/** Collects log lines; `next` resolves on the first line (past or future) that matches. */
function capture() {
  const lines: string[] = [];
  const waiters: { test: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];
  return {
    lines,
    stream: {
      write(raw: string) {
        lines.push(raw);
        const line = JSON.parse(raw) as Line;
        for (const waiter of waiters.filter((w) => w.test(line))) waiter.resolve(line);
      },
    },
    /** The completion line may be written after the response resolves (after onResponse hooks). */
    next(test: (line: Line) => boolean): Promise<Line> {
      const seen = lines.map((raw) => JSON.parse(raw) as Line).find(test);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

describe('logs', () => {
  it('writes one completion line with the request id, route, model, channel and credits, and never the key', async () => {
    const log = capture();
    const station = await testStation({ router: routerFor(countingProvider()), env: { AIGATE_LOG_LEVEL: 'info' }, logStream: log.stream });
    try {
      const { plaintext } = await station.key();
      const response = await generate(station, plaintext);
      assert.equal(response.statusCode, 200);
      const requestId = String(response.headers['x-request-id']);
      assert.match(requestId, /^[0-9a-f]{32}$/);

      const line = await log.next((l) => l.reqId === requestId && l.msg === 'request completed');
      assert.equal(line.route, SD3);
      assert.equal(line.status, 200);
      assert.equal(typeof line.responseTime, 'number');
      assert.equal(line.model, 'sd3-large');
      assert.equal(line.channel, 'test');
      assert.equal(line.credits, 6.5);
      // Exactly one line for the request at info level: Fastify's "incoming request" is debug now.
      assert.equal(log.lines.filter((raw) => raw.includes(requestId)).length, 1);
      for (const raw of log.lines) assert.ok(!raw.includes(plaintext), `the API key leaked into: ${raw}`);
    } finally {
      await station.close();
    }
  });

  it('redacts authorization and cookie wherever a logged object carries them', async () => {
    const log = capture();
    const station = await testStation({ env: { AIGATE_LOG_LEVEL: 'info' }, logStream: log.stream });
    try {
      station.app.log.info({ req: { headers: { authorization: 'Bearer sk-secret-1', cookie: 'session=secret-2' } } }, 'with headers');
      station.app.log.info({ authorization: 'Bearer sk-secret-3', upstream: { authorization: 'Token secret-4' } }, 'bare fields');
      const text = log.lines.join('');
      for (const secret of ['secret-1', 'secret-2', 'secret-3', 'secret-4']) assert.doesNotMatch(text, new RegExp(secret));
      assert.match(text, /\[redacted\]/);
    } finally {
      await station.close();
    }
  });

  it('logs the route pattern and the path without its query for a request no route matched', async () => {
    const log = capture();
    const station = await testStation({ env: { AIGATE_LOG_LEVEL: 'info' }, logStream: log.stream });
    try {
      const response = await station.app.inject({ method: 'GET', url: '/nowhere?token=abc', headers: { cookie: 'session=xyz' } });
      const line = await log.next((l) => l.reqId === response.headers['x-request-id'] && l.msg === 'request completed');
      assert.equal(line.route, 'unmatched');
      assert.equal(line.url, '/nowhere');
      assert.equal(line.status, 404);
      assert.doesNotMatch(log.lines.join(''), /token=abc|session=xyz/);
    } finally {
      await station.close();
    }
  });

  it('logs and counts a malformed URL, refused before any route or hook runs', async () => {
    const log = capture();
    const station = await testStation({ env: { AIGATE_LOG_LEVEL: 'info' }, logStream: log.stream });
    try {
      const response = await station.app.inject({ method: 'GET', url: '/v2beta/%zz?token=abc' });
      assert.equal(response.statusCode, 400);
      const line = await log.next((l) => l.reqId === response.headers['x-request-id']);
      assert.deepEqual([line.msg, line.route, line.status, line.error], ['request refused before routing', 'unmatched', 400, 'bad_request']);
      assert.doesNotMatch(log.lines.join(''), /token=abc/);
      const m = await scrape(station);
      assert.equal(m.value('aigate_http_requests_total', { route: 'unmatched', method: 'GET', status: '400' }), 1);
    } finally {
      await station.close();
    }
  });
});
