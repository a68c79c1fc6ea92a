/**
 * End to end, as README.md promises an operator: add an upstream channel with the CLI while the
 * built station runs, route generations to it, test it, see it in the usage log, keep its key out
 * of the database and every listing, and watch a refused key disable the channel without charging
 * the caller. The upstream is the Stability simulator, running in this process on loopback.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { BIN, ROOT, childEnv, cliJson, startStation, type CliResult, type RunningStation } from '../helpers/processes.js';
import { STABILITY_SIM_KEY, startStabilitySimulator } from '../simulators/stability.js';
import type { Simulator } from '../simulators/sim-kit.js';

const SD3 = '/v2beta/stable-image/generate/sd3';
const WRONG_KEY = 'sk-notTheRightKeyAtAll0123456789abcdefghijkl';

/**
 * The CLI without blocking this process: `channels test` calls the simulator, which answers from
 * this process's event loop (the helpers' spawnSync would deadlock it).
 */
function cliAsync(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const DEMO_KEY = /demo API key \(100 cr\):\s+(sk-[A-Za-z0-9_-]{48})/;

/** The demo key from the first-start banner, which follows the address line (maybe in a later chunk). */
function bannerKey(station: RunningStation): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = DEMO_KEY.exec(station.output());
      if (!match) return false;
      station.child.stdout!.off('data', onData);
      station.child.off('exit', onExit);
      resolve(match[1]!);
      return true;
    };
    // Registered after the helper's own collector, so output() already holds each chunk seen here.
    const onData = () => void check();
    const onExit = () => reject(new Error(`the station exited before printing a demo key:\n${station.output()}`));
    station.child.stdout!.on('data', onData);
    station.child.once('exit', onExit);
    check();
  });
}

interface ChannelJson {
  id: string;
  name: string;
  provider: string;
  base_url: string;
  credentials: string | null;
  enabled: boolean;
  disabled_reason: string | null;
}

interface UsageJson {
  request_id: string;
  status: number;
  channel: string | null;
  credits: string;
  error: string | null;
  attempts: { channel: string; status: number | null; outcome: string; latency_ms: number }[];
}

describe('channels, from the CLI to the upstream', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let station: RunningStation;
  let sim: Simulator;
  let demoKey: string;

  before(async () => {
    sim = await startStabilitySimulator();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aigate-channels-e2e-'));
    env = { AIGATE_DATA_DIR: dataDir };
    station = await startStation(env);
    demoKey = await bannerKey(station);
  });
  after(async () => {
    await station?.stop();
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const channels = () => cliJson<{ channels: ChannelJson[] }>(['channels', 'list'], env).channels;
  const channel = (name: string) => {
    const found = channels().find((c) => c.name === name);
    assert.ok(found, `channel ${name} is listed`);
    return found;
  };

  const generate = (prompt: string) => {
    const form = new FormData();
    form.set('prompt', prompt);
    return fetch(`${station.url}${SD3}`, { method: 'POST', headers: { authorization: `Bearer ${demoKey}`, accept: 'image/*' }, body: form });
  };

  const balance = async () => {
    const res = await fetch(`${station.url}/v1/user/balance`, { headers: { authorization: `Bearer ${demoKey}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { credits: number }).credits;
  };

  /**
   * The usage log, newest first, once it holds `rows` rows: each row is written after its response
   * is sent, so it is re-read (each read is a whole CLI run) until it shows up.
   */
  async function usage(rows: number): Promise<UsageJson[]> {
    let last: UsageJson[] = [];
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const result = await cliAsync(['usage', '--json'], env);
      assert.equal(result.status, 0, result.stderr);
      last = (JSON.parse(result.stdout) as { usage: UsageJson[] }).usage;
      if (last.length >= rows) return last;
    }
    assert.fail(`the usage log never reached ${rows} rows: ${JSON.stringify(last)}`);
  }

  it('adds a stability channel whose key comes from the environment, listed only masked', () => {
    const added = cliJson<ChannelJson>(['channels', 'add', 'stability', '--name', 'stab', '--base-url', sim.url, '--key-env', 'SIM_KEY'], { ...env, SIM_KEY: STABILITY_SIM_KEY });
    assert.equal(added.name, 'stab');
    assert.equal(added.credentials, '…mnop');

    const listed = cliJson<{ channels: ChannelJson[] }>(['channels', 'list'], env);
    const stab = listed.channels.find((c) => c.name === 'stab');
    assert.ok(stab);
    assert.deepEqual(
      [stab.provider, stab.base_url, stab.credentials, stab.enabled, stab.disabled_reason],
      ['stability', sim.url, '…mnop', true, null],
    );
    assert.ok(!JSON.stringify(listed).includes(STABILITY_SIM_KEY), 'channels list never prints the key');
    assert.deepEqual(listed.channels.map((c) => c.name).sort(), ['sandbox', 'stab']);
  });

  it('routes a generation to the channel once the sandbox is disabled, and charges it', async () => {
    const disabled = cliJson<ChannelJson>(['channels', 'disable', 'sandbox'], env);
    assert.deepEqual([disabled.enabled, disabled.disabled_reason], [false, 'disabled by the operator']);

    const before = await balance();
    assert.equal(before, 100);
    const res = await generate('a lighthouse on a cliff');
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('x-aigate-channel'), 'stab');
    assert.equal(res.headers.get('content-type'), 'image/png');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1024, 1024]);

    assert.equal(sim.calls.length, 1);
    assert.deepEqual(
      [sim.calls[0]!.credential, sim.calls[0]!.prompt, sim.calls[0]!.model, sim.calls[0]!.path],
      [STABILITY_SIM_KEY, 'a lighthouse on a cliff', 'sd3-large', SD3],
    );
    assert.equal(await balance(), 93.5, 'sd3-large costs 6.5 credits');
  });

  it('tests the channel with one real call, charging nobody', async () => {
    const result = await cliAsync(['channels', 'test', 'stab', '--json'], env);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { channel: string; ok: boolean; model: string; latency_ms: number; format: string; bytes: number };
    assert.equal(report.ok, true);
    assert.equal(report.channel, 'stab');
    assert.equal(report.model, 'sd3-large');
    assert.equal(report.format, 'jpeg');
    assert.ok(Number.isInteger(report.latency_ms) && report.latency_ms >= 0, `latency_ms: ${report.latency_ms}`);
    assert.ok(report.bytes > 0);
    assert.equal(sim.calls.length, 2);
    assert.equal(sim.calls[1]!.credential, STABILITY_SIM_KEY);
    assert.equal(await balance(), 93.5);
  });

  it('logs the attempt on the channel in the usage log', async () => {
    const [row, ...rest] = await usage(1);
    assert.equal(rest.length, 0, 'channels test writes no usage row');
    assert.ok(row);
    assert.deepEqual([row.status, row.channel, row.credits, row.error], [200, 'stab', '6.5', null]);
    assert.equal(row.attempts.length, 1);
    const [attempt] = row.attempts;
    assert.deepEqual({ ...attempt, latency_ms: 0 }, { channel: 'stab', status: 200, outcome: 'ok', latency_ms: 0 });
    assert.ok(Number.isInteger(attempt!.latency_ms) && attempt!.latency_ms >= 0);
  });

  it('keeps the master key in a 0600 file and the upstream key out of the database', () => {
    const keyFile = path.join(dataDir, 'secret.key');
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.match(readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);

    const database = path.join(dataDir, 'aigate.db');
    assert.ok(existsSync(database));
    // WAL mode: recent pages may still sit in the -wal file, so search that too.
    for (const file of [database, `${database}-wal`].filter(existsSync)) {
      const bytes = readFileSync(file);
      assert.equal(bytes.indexOf(STABILITY_SIM_KEY), -1, `${path.basename(file)} holds the upstream key in plaintext`);
      assert.equal(bytes.indexOf(Buffer.from(STABILITY_SIM_KEY, 'utf16le')), -1);
    }
    assert.ok(!station.output().includes(STABILITY_SIM_KEY), 'the station never logs the key');
  });

  it('disables a channel whose key is refused, answers 502 and charges nothing', async () => {
    const updated = cliJson<ChannelJson>(['channels', 'update', 'stab', '--key-env', 'OTHER'], { ...env, OTHER: WRONG_KEY });
    assert.equal(updated.credentials, '…ijkl');
    assert.equal(updated.enabled, true);

    const before = await balance();
    const requestsBefore = sim.requests.length;
    const res = await generate('a lighthouse at night');
    assert.equal(res.status, 502);
    const body = (await res.json()) as { name: string; errors: string[] };
    assert.equal(body.name, 'upstream_error');
    assert.ok(!JSON.stringify(body).includes(WRONG_KEY));
    assert.equal(res.headers.get('x-aigate-channel'), null);
    assert.equal(sim.requests.length, requestsBefore + 1, 'the upstream was asked once, no retry on the same channel');
    assert.equal(sim.calls.length, 2, 'and refused it: no generation happened there');
    assert.equal(await balance(), before, 'the failed request charged nothing');

    const stab = channel('stab');
    assert.equal(stab.enabled, false);
    assert.match(stab.disabled_reason ?? '', /credentials/);
    assert.match(stab.disabled_reason ?? '', /HTTP 401/);

    const [row] = await usage(2);
    assert.ok(row);
    assert.deepEqual([row.status, row.error, row.credits, row.channel], [502, 'upstream_error', '0', null]);
    assert.deepEqual(row.attempts.map((a) => [a.channel, a.status, a.outcome]), [['stab', 401, 'credentials']]);
    assert.ok(!station.output().includes(WRONG_KEY), 'the refused key is not logged either');

    const none = await generate('nobody left to serve this');
    assert.equal(none.status, 503, 'no enabled channel at all');
    assert.equal(((await none.json()) as { name: string }).name, 'no_channel_available');
    assert.equal(sim.requests.length, requestsBefore + 1, 'the disabled channel is not asked again');
    assert.equal(await balance(), before);
  });

  it('serves again through the sandbox once it is re-enabled', async () => {
    const enabled = cliJson<ChannelJson>(['channels', 'enable', 'sandbox'], env);
    assert.deepEqual([enabled.enabled, enabled.disabled_reason], [true, null]);
    const before = await balance();
    const res = await generate('a lighthouse in the fog');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-aigate-channel'), 'sandbox');
    assert.equal((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format, 'png');
    assert.equal(await balance(), before - 6.5);
    assert.equal(channel('stab').enabled, false, 'the refused channel stays disabled until the operator acts');
  });

  it('stops cleanly on SIGTERM', async () => {
    assert.equal(await station.stop(), 0);
  });
});
