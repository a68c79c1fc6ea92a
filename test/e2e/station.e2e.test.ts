/**
 * End to end, as README.md tells a new user: start the built station on a fresh data directory,
 * use the key it prints with the seed's own curl example, and manage it with the CLI while it runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { cli, cliJson, startStation, type RunningStation } from '../helpers/processes.js';

const SD3 = '/sd/v2beta/stable-image/generate/sd3';

describe('a new station, driven by curl and the CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let station: RunningStation;
  let demoKey: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aigate-e2e-'));
    env = { AIGATE_DATA_DIR: dataDir };
    station = await startStation(env);
  });
  after(async () => {
    await station?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints an admin token and a demo key on first start', () => {
    const output = station.output();
    assert.match(output, /admin token:\s+adm-[A-Za-z0-9_-]{48}/);
    const match = /demo API key \(100 cr\):\s+(sk-[A-Za-z0-9_-]{48})/.exec(output);
    assert.ok(match, output);
    demoKey = match[1]!;
  });

  it("answers the seed's curl example with a real 1024x1024 PNG and charges 6.5 credits", async () => {
    const out = path.join(dataDir, 'out.png');
    const curl = spawnSync('curl', [
      '-sS', '-X', 'POST', `${station.url}${SD3}`, '-H', `Authorization: Bearer ${demoKey}`, '-H', 'accept: image/*',
      '-F', 'prompt=a lighthouse on a cliff', '-o', out, '-w', '%{http_code} %{content_type}',
    ], { encoding: 'utf8' });
    assert.equal(curl.status, 0, curl.stderr);
    assert.equal(curl.stdout, '200 image/png');
    const meta = await sharp(readFileSync(out)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1024, 1024]);

    const balance = await fetch(`${station.url}/v1/user/balance`, { headers: { authorization: `Bearer ${demoKey}` } });
    assert.deepEqual(await balance.json(), { credits: 93.5 });
  });

  it('creates, tops up, shows, bans and revokes through the CLI, effective at once', async () => {
    const created = cliJson<{ id: string; key: string; available: string }>(['keys', 'create', '--name', 'e2e', '--credits', '4', '--models', 'sd3-large-turbo'], env);
    assert.match(created.key, /^sk-/);
    assert.equal(created.available, '4');
    const listed = cliJson<{ keys: { id: string; display: string }[] }>(['keys', 'list'], env);
    const row = listed.keys.find((k) => k.id === created.id);
    assert.ok(row);
    assert.ok(!JSON.stringify(listed).includes(created.key), 'keys list must never print a secret');

    const generate = (prompt: string, key = created.key) => {
      const form = new FormData();
      form.set('prompt', prompt);
      form.set('model', 'sd3-large-turbo');
      form.set('output_format', 'jpeg');
      return fetch(`${station.url}/v2beta/stable-image/generate/sd3`, { method: 'POST', headers: { authorization: key, accept: 'application/json' }, body: form });
    };
    const ok = await generate('a red fox');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/json; type=image/jpeg');
    const json = (await ok.json()) as { image: string; finish_reason: string; seed: number };
    assert.equal(json.finish_reason, 'SUCCESS');
    assert.equal((await sharp(Buffer.from(json.image, 'base64')).metadata()).format, 'jpeg');

    const broke = await generate('a red fox');
    assert.equal(broke.status, 402);
    cliJson(['credits', 'add', created.id, '8', '--note', 'e2e top-up'], env);
    const shown = cliJson<{ available: string; ledger: { kind: string; amount: string }[] }>(['credits', 'show', created.id], env);
    assert.equal(shown.available, '8');
    assert.deepEqual(shown.ledger.map((e) => [e.kind, e.amount]), [['grant', '4'], ['charge', '-4'], ['topup', '8']]);

    cliJson(['banned-words', 'add', 'Fox'], env);
    const flagged = await generate('A FOX at dawn');
    assert.equal(flagged.status, 403);
    assert.equal(((await flagged.json()) as { name: string }).name, 'content_moderation');
    cliJson(['banned-words', 'remove', 'fox'], env);
    assert.equal((await generate('a fox at dusk')).status, 200);

    const usage = cliJson<{ usage: { key_id: string; status: number; credits: string }[] }>(['usage', '--key', created.id], env);
    assert.deepEqual(usage.usage.map((u) => [u.status, u.credits]), [[200, '4'], [403, '0'], [402, '0'], [200, '4']]);

    cliJson(['keys', 'revoke', created.id], env);
    assert.equal((await generate('a fox at night')).status, 401);
  });

  it('reports CLI mistakes on stderr with exit status 1', () => {
    const result = cli(['credits', 'add', 'key_missing', '5'], env);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no key with id key_missing/);
  });

  it('stops cleanly on SIGTERM', async () => {
    assert.equal(await station.stop(), 0);
  });
});
