/** @module Configuration from the environment: defaults, overrides, every problem at once, frozen. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';
import { DEFAULT_MODELS } from './models.js';

/** The ConfigError that `env` produces; fails the test if it loads. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
    assert.equal(error.name, 'ConfigError');
    for (const problem of error.problems) assert.ok(error.message.includes(problem), 'the message lists every problem');
    return error.problems;
  }
  assert.fail(`loadConfig(${JSON.stringify(env)}) should have thrown`);
}

describe('loadConfig', () => {
  it('has the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.databasePath, path.join(path.resolve('./data'), 'aigate.db'));
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.keyRateLimit, { points: 150, windowSeconds: 10 });
    assert.deepEqual(config.ipRateLimit, { points: 600, windowSeconds: 10 });
    assert.equal(config.holdLeaseSeconds, 900);
    assert.equal(config.trustProxy, false);
    assert.equal(config.bodyLimitBytes, 10 * 1024 * 1024);
    assert.deepEqual([...config.models.keys()], DEFAULT_MODELS.map((m) => m.id));
  });

  it('has the spec §8 prices in milli-credits', () => {
    const prices = Object.fromEntries([...loadConfig({}).models.values()].map((m) => [m.id, m.price]));
    assert.deepEqual(prices, {
      'sd3-large': 6_500,
      'sd3.5-large': 6_500,
      'sd3-large-turbo': 4_000,
      'sd3.5-large-turbo': 4_000,
      'sd3-medium': 3_500,
      'sd3.5-medium': 3_500,
      'sd3.5-flash': 2_500,
      ultra: 8_000,
      core: 3_000,
    });
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', AIGATE_HOST: '', AIGATE_PRICES: '' });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
  });

  it('reads overrides', () => {
    const config = loadConfig({
      PORT: '9000',
      AIGATE_HOST: '0.0.0.0',
      AIGATE_DATA_DIR: '/var/lib/aigate',
      AIGATE_LOG_LEVEL: 'silent',
      AIGATE_KEY_RATE_LIMIT: '5/1m',
      AIGATE_IP_RATE_LIMIT: '100/10s',
      AIGATE_HOLD_LEASE_SECONDS: '700',
      AIGATE_TRUST_PROXY: '2',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.dataDir, '/var/lib/aigate');
    assert.equal(config.databasePath, '/var/lib/aigate/aigate.db');
    assert.equal(config.logLevel, 'silent');
    assert.deepEqual(config.keyRateLimit, { points: 5, windowSeconds: 60 });
    assert.deepEqual(config.ipRateLimit, { points: 100, windowSeconds: 10 });
    assert.equal(config.holdLeaseSeconds, 700);
    assert.equal(config.trustProxy, 2);
    assert.equal(loadConfig({ PORT: '0' }).port, 0, 'port 0 asks for an ephemeral port');
    for (const [text, value] of [['1', 1], ['3', 3], ['0', false], ['false', false], ['no', false]] as const) {
      assert.equal(loadConfig({ AIGATE_TRUST_PROXY: text }).trustProxy, value, text);
    }
    assert.deepEqual(loadConfig({ AIGATE_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy, ['10.0.0.1', '10.1.0.0/16']);
  });

  it('lists every invalid variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      AIGATE_LOG_LEVEL: 'chatty',
      AIGATE_KEY_RATE_LIMIT: '0/10s',
      AIGATE_IP_RATE_LIMIT: 'lots',
      AIGATE_HOLD_LEASE_SECONDS: '5',
      AIGATE_TRUST_PROXY: 'true',
      AIGATE_PRICES: 'not json',
    });
    const named = ['PORT', 'AIGATE_LOG_LEVEL', 'AIGATE_KEY_RATE_LIMIT', 'AIGATE_IP_RATE_LIMIT', 'AIGATE_HOLD_LEASE_SECONDS', 'AIGATE_TRUST_PROXY', 'AIGATE_PRICES'];
    assert.equal(problems.length, named.length, problems.join('\n'));
    for (const name of named) assert.ok(problems.some((p) => p.startsWith(`${name}: `)), `${name} is listed:\n${problems.join('\n')}`);
  });

  it('rejects out-of-range numbers', () => {
    assert.equal(problemsOf({ PORT: '65536' }).length, 1);
    assert.equal(problemsOf({ PORT: '80.5' }).length, 1);
    assert.equal(problemsOf({ AIGATE_HOLD_LEASE_SECONDS: '86401' }).length, 1);
  });

  it('AIGATE_PRICES changes exactly the named model’s price', () => {
    const config = loadConfig({ AIGATE_PRICES: '{"sd3-large": "7.25", "core": 2.5}' });
    assert.equal(config.models.get('sd3-large')?.price, 7_250);
    assert.equal(config.models.get('core')?.price, 2_500);
    assert.equal(config.models.get('sd3.5-large')?.price, 6_500, 'other models keep their price');
    assert.equal(config.models.get('ultra')?.price, 8_000);
    assert.equal(DEFAULT_MODELS.find((m) => m.id === 'sd3-large')?.price, 6_500, 'the catalogue itself is untouched');
    assert.equal(loadConfig({}).models.get('sd3-large')?.price, 6_500, 'and the next load starts from it again');
  });

  it('AIGATE_PRICES rejects unknown models, negative and inexact prices, and non-objects', () => {
    assert.match(problemsOf({ AIGATE_PRICES: '{"sd4-giant": "1"}' }).join('\n'), /AIGATE_PRICES: .*unknown model "sd4-giant"/);
    assert.match(problemsOf({ AIGATE_PRICES: '{"core": "-1"}' }).join('\n'), /AIGATE_PRICES: .*"core".*negative/);
    assert.match(problemsOf({ AIGATE_PRICES: '{"core": "1.0001"}' }).join('\n'), /^AIGATE_PRICES: /);
    assert.match(problemsOf({ AIGATE_PRICES: '{"core": 0.30000000000000004}' }).join('\n'), /^AIGATE_PRICES: /);
    assert.match(problemsOf({ AIGATE_PRICES: '["core", 1]' }).join('\n'), /^AIGATE_PRICES: .*JSON object/);
    assert.match(problemsOf({ AIGATE_PRICES: 'null' }).join('\n'), /^AIGATE_PRICES: /);
  });

  it('reports an unknown priced model together with the other invalid variables', () => {
    const problems = problemsOf({ PORT: 'eighty', AIGATE_PRICES: '{"sd4-giant": "1", "core": "-2"}' });
    assert.ok(problems.some((p) => p.startsWith('PORT: ')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('unknown model "sd4-giant"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('"core"') && p.includes('negative')), problems.join('\n'));
  });

  it('returns a frozen configuration', () => {
    const config = loadConfig({ AIGATE_PRICES: '{"core": "2"}' });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.keyRateLimit));
    assert.ok(Object.isFrozen(config.ipRateLimit));
    const core = config.models.get('core');
    assert.ok(core && Object.isFrozen(core));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (config.keyRateLimit as { points: number }).points = 1_000_000;
    }, TypeError);
    assert.throws(() => {
      (core as { price: number }).price = 0;
    }, TypeError);
    assert.equal(config.port, 8080);
    assert.equal(config.models.get('core')?.price, 2_000);
    // A second load is unaffected by the first one's freezing.
    assert.equal(loadConfig({ AIGATE_PRICES: '{"core": "5"}' }).models.get('core')?.price, 5_000);
  });
});
