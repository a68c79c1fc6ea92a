/**
 * @module Kept images through the whole station: a 200 keeps exactly the bytes the client got and
 * GET /admin/api/images/:id serves them (admin token or operator cookie, no CSRF for a GET), its
 * usage row links it; a failed generation keeps nothing; a broken image store (a disk that cannot
 * be written, an S3 that answers 500) changes neither the client's 200 nor its single charge; an
 * image past its retention is gone even before the sweep.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { upstreamError } from '../../../errors.js';
import type { Store, UsageRow } from '../../../store/store.js';
import { solidImage } from '../../../../test/helpers/images.js';
import { multipart } from '../../../../test/helpers/multipart.js';
import { startS3Simulator, type S3Simulator } from '../../../../test/simulators/s3/s3-simulator.js';
import { countingProvider, routerFor } from '../../../../test/helpers/test-app.js';
import { adminStation, assertError, call, generate, json, operatorSession, type AdminStation } from './test-admin-kit.js';

const PRICE = 6_500;
const DAY_MS = 86_400_000;
const cleanups: (() => Promise<unknown>)[] = [];
after(() => Promise.all(cleanups.map((clean) => clean())));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aigate-kept-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves with a request's usage row once the station has logged it and kept (or given up) its image. */
function usageRows(store: Store) {
  const logged = new Set<string>();
  const waiters = new Map<string, () => void>();
  const onUsageLogged = (requestId: string) => {
    logged.add(requestId);
    waiters.get(requestId)?.();
  };
  const row = async (requestId: string): Promise<UsageRow> => {
    if (!logged.has(requestId)) await new Promise<void>((resolve) => waiters.set(requestId, resolve));
    const found = (await store.usage.query({ limit: 1000 })).find((r: UsageRow) => r.requestId === requestId);
    assert.ok(found, `usage row of ${requestId}`);
    return found;
  };
  return { onUsageLogged, row };
}

/** Log lines, for the warning a failed keep writes. */
function logLines() {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (raw: string) => void lines.push(JSON.parse(raw) as Record<string, unknown>) } };
}

async function station(env: Record<string, string>, options: Parameters<typeof adminStation>[0] = {}) {
  let rows: ReturnType<typeof usageRows> | undefined;
  const s = await adminStation({ router: routerFor(countingProvider()), ...options, onUsageLogged: (id) => rows!.onUsageLogged(id), env: { AIGATE_IP_RATE_LIMIT: '10000/10s', AIGATE_IMAGE_STORE: 'disk', ...env } });
  rows = usageRows(s.store);
  return Object.assign(s, { usage: rows.row });
}

async function charges(s: AdminStation, keyId: string) {
  return (await s.store.credits.ledger(keyId)).filter((e) => e.kind === 'charge');
}

describe('kept images on disk', () => {
  it('keeps exactly the bytes the client got; GET /admin/api/images/:id serves them; the usage row links them', async () => {
    const dir = await tempDir();
    const s = await station({ AIGATE_IMAGE_DIR: dir });
    try {
      const { plaintext } = await s.key();
      const answer = await generate(s, plaintext);
      assert.equal(answer.statusCode, 200);
      const id = String(answer.headers['x-request-id']);
      await s.usage(id);

      const image = await call(s, 'GET', `/images/${id}`, { token: s.adminToken });
      assert.equal(image.statusCode, 200, image.payload);
      assert.ok(image.rawPayload.equals(answer.rawPayload), 'the very bytes the client got');
      assert.equal(image.headers['content-type'], 'image/png');
      assert.equal(image.headers['content-length'], String(answer.rawPayload.length));
      assert.equal(image.headers['cache-control'], 'private, max-age=3600');
      assert.equal(image.headers['x-content-type-options'], 'nosniff');
      assert.equal(image.headers['content-disposition'], `inline; filename="${id}.png"`);

      const [row] = json<{ usage: Record<string, unknown>[] }>(await call(s, 'GET', '/usage', { token: s.adminToken })).usage;
      assert.equal(row?.request_id, id);
      assert.equal(row?.image_url, `/admin/api/images/${id}`);
      // One file, named by day, shard and request id.
      const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.png'));
      assert.deepEqual(files, [path.join(new Date().toISOString().slice(0, 10), id.slice(0, 2), `${id}.png`)]);
    } finally {
      await s.close();
    }
  });

  it('keeps the decoded image of a JSON answer, in its format', async () => {
    const jpeg = await solidImage('jpeg', 32, 32);
    const provider = countingProvider(async (request) => ({ bytes: jpeg, format: 'jpeg', seed: request.seed || 7, finishReason: 'SUCCESS' }));
    const s = await station({ AIGATE_IMAGE_DIR: await tempDir() }, { router: routerFor(provider) });
    try {
      const { plaintext } = await s.key();
      const form = multipart({ prompt: 'a lighthouse', output_format: 'jpeg' });
      const answer = await s.app.inject({
        method: 'POST',
        url: '/v2beta/stable-image/generate/sd3',
        headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType, accept: 'application/json' },
        payload: form.body,
      });
      assert.equal(answer.statusCode, 200, answer.payload);
      const id = String(answer.headers['x-request-id']);
      await s.usage(id);
      const image = await call(s, 'GET', `/images/${id}`, { token: s.adminToken });
      assert.equal(image.headers['content-type'], 'image/jpeg');
      assert.ok(image.rawPayload.equals(Buffer.from(answer.json<{ image: string }>().image, 'base64')));
    } finally {
      await s.close();
    }
  });

  it('serves an operator with a session cookie and no CSRF token; refuses anyone without credentials', async () => {
    const s = await station({ AIGATE_IMAGE_DIR: await tempDir() });
    try {
      const { plaintext } = await s.key();
      const id = String((await generate(s, plaintext)).headers['x-request-id']);
      await s.usage(id);
      const { session } = await operatorSession(s);
      assert.equal((await call(s, 'GET', `/images/${id}`, { session })).statusCode, 200);
      assertError(await call(s, 'GET', `/images/${id}`, {}), 401, 'unauthorized');
      assertError(await call(s, 'GET', `/images/${id}`, { token: 'adm-wrong' }), 401, 'unauthorized');
    } finally {
      await s.close();
    }
  });

  it('keeps nothing for a failed generation; its row has no image_url and the route answers 404', async () => {
    const dir = await tempDir();
    const failing = countingProvider(async () => {
      throw upstreamError();
    });
    const s = await station({ AIGATE_IMAGE_DIR: dir }, { router: routerFor(failing) });
    try {
      const { plaintext } = await s.key();
      const answer = await generate(s, plaintext);
      assert.equal(answer.statusCode, 502, answer.payload);
      const id = String(answer.headers['x-request-id']);
      assert.equal((await s.usage(id)).status, 502);
      assert.equal(await s.store.images.find(id), undefined);
      assert.deepEqual(await readdir(dir), [], 'nothing written');
      const [row] = json<{ usage: Record<string, unknown>[] }>(await call(s, 'GET', '/usage', { token: s.adminToken })).usage;
      assert.equal(row?.image_url, null);
      assertError(await call(s, 'GET', `/images/${id}`, { token: s.adminToken }), 404, 'not_found', new RegExp(`^image: no image ${id}$`));
      assertError(await call(s, 'GET', '/images/nothing-at-all', { token: s.adminToken }), 404, 'not_found');
    } finally {
      await s.close();
    }
  });

  it('a disk that cannot be written: the client still gets its 200, charged once; the failure is logged without bytes or secrets', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'a-file'), 'not a directory');
    const log = logLines();
    const s = await station({ AIGATE_IMAGE_DIR: path.join(dir, 'a-file', 'images'), AIGATE_LOG_LEVEL: 'warn' }, { logStream: log.stream });
    try {
      const { id: keyId, plaintext } = await s.key({ credits: '10' });
      const answer = await generate(s, plaintext);
      assert.equal(answer.statusCode, 200);
      const id = String(answer.headers['x-request-id']);
      const row = await s.usage(id);
      assert.deepEqual([row.status, row.credits], [200, PRICE]);
      assert.equal(await s.store.images.find(id), undefined, 'the row was taken back');
      assert.equal((await charges(s, keyId)).length, 1);
      assert.equal((await s.store.keys.get(keyId))?.balance, 10_000 - PRICE);

      const warning = log.lines.find((l) => l.msg === 'could not keep the generated image');
      assert.ok(warning, JSON.stringify(log.lines));
      assert.equal(warning.reqId, id);
      assert.equal(warning.level, 40);
      assert.equal((warning.failure as { code: string }).code, 'ENOTDIR');
      const all = JSON.stringify(log.lines);
      assert.ok(!all.includes(plaintext), 'no API key');
      assert.ok(!all.includes(answer.rawPayload.toString('base64').slice(0, 40)), 'no image bytes');
    } finally {
      await s.close();
    }
  });

  it('answers 404 for an image past its retention even before the sweep removes it', async () => {
    let clock = Date.parse('2030-06-15T12:00:00Z');
    const s = await station({ AIGATE_IMAGE_DIR: await tempDir(), AIGATE_IMAGE_RETENTION_DAYS: '2' }, { now: () => clock });
    try {
      const { plaintext } = await s.key();
      const id = String((await generate(s, plaintext)).headers['x-request-id']);
      await s.usage(id);
      clock += 2 * DAY_MS;
      assert.equal((await call(s, 'GET', `/images/${id}`, { token: s.adminToken })).statusCode, 200, 'exactly at the retention: still kept');
      clock += 1;
      assertError(await call(s, 'GET', `/images/${id}`, { token: s.adminToken }), 404, 'not_found');
    } finally {
      await s.close();
    }
  });

  it('with AIGATE_IMAGE_STORE=off keeps nothing and serves nothing', async () => {
    const s = await station({ AIGATE_IMAGE_STORE: 'off' });
    try {
      const { plaintext } = await s.key();
      const id = String((await generate(s, plaintext)).headers['x-request-id']);
      await s.usage(id);
      assert.equal(await s.store.images.find(id), undefined);
      assertError(await call(s, 'GET', `/images/${id}`, { token: s.adminToken }), 404, 'not_found');
    } finally {
      await s.close();
    }
  });
});

describe('kept images on S3', () => {
  let sim: S3Simulator | undefined;
  const s3Env = async () => {
    if (!sim) {
      const started = await startS3Simulator();
      cleanups.push(() => started.close());
      sim = started;
    }
    const started = sim;
    return {
      AIGATE_IMAGE_STORE: 's3',
      AIGATE_S3_ENDPOINT: started.url,
      AIGATE_S3_BUCKET: started.bucket,
      AIGATE_S3_PREFIX: 'kept/',
      AIGATE_S3_ACCESS_KEY_ID: started.keys.accessKeyId,
      AIGATE_S3_SECRET_ACCESS_KEY: started.keys.secretAccessKey,
      AIGATE_S3_FORCE_PATH_STYLE: 'true',
    };
  };

  it('keeps the image in the bucket and serves the same bytes', async () => {
    const s = await station(await s3Env());
    try {
      const { plaintext } = await s.key();
      const answer = await generate(s, plaintext);
      const id = String(answer.headers['x-request-id']);
      await s.usage(id);
      const record = await s.store.images.find(id);
      assert.equal(answer.statusCode, 200, answer.payload);
      assert.ok(record, `no record; objects: ${[...sim!.objects.keys()].join(", ")}`);
      assert.ok(sim!.objects.get(`kept/${record.key}`)?.body.equals(answer.rawPayload), `objects: ${[...sim!.objects.keys()].join(", ")}`);
      const image = await call(s, 'GET', `/images/${id}`, { token: s.adminToken });
      assert.equal(image.statusCode, 200);
      assert.ok(image.rawPayload.equals(answer.rawPayload));
      assert.equal(image.headers['content-type'], 'image/png');
    } finally {
      await s.close();
    }
  });

  it('an S3 that answers 500: the client still gets its 200, charged once, and nothing is recorded', async () => {
    const log = logLines();
    const s = await station({ ...(await s3Env()), AIGATE_LOG_LEVEL: 'warn' }, { logStream: log.stream });
    try {
      const { id: keyId, plaintext } = await s.key({ credits: '10' });
      sim!.always = { kind: 'status', status: 500 };
      sim!.requests.length = 0;
      const answer = await generate(s, plaintext);
      assert.equal(answer.statusCode, 200);
      const id = String(answer.headers['x-request-id']);
      const row = await s.usage(id);
      assert.deepEqual([row.status, row.credits], [200, PRICE]);
      sim!.always = undefined;
      assert.ok(sim!.requests.some((r) => r.startsWith('PUT ')), 'the put was tried');
      const warning = log.lines.find((l) => l.msg === 'could not keep the generated image');
      assert.deepEqual(warning?.failure, { type: 'InternalError', code: 'InternalError', message: 'We encountered an internal error. Please try again.', status: 500 });
      assert.ok(!JSON.stringify(log.lines).includes(sim!.keys.secretAccessKey));
      assert.equal(await s.store.images.find(id), undefined);
      assert.equal((await charges(s, keyId)).length, 1);
      assert.equal((await s.store.keys.get(keyId))?.balance, 10_000 - PRICE);
      assertError(await call(s, 'GET', `/images/${id}`, { token: s.adminToken }), 404, 'not_found');
    } finally {
      sim!.always = undefined;
      await s.close();
    }
  });
});
