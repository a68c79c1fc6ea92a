/**
 * @module The documented forms cannot drift from the validators: each validator is run over forms
 * that record every part name it looks at, and those names must be exactly the documented fields
 * of its endpoint; every documented default must be what the validator applies when the field is
 * left out (the provider receives the same request either way).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config/config.js';
import type { MultipartForm } from '../multipart/read-form.js';
import { sd3Catalogue, validateSd3 } from '../routes/stability/validate-sd3.js';
import { validateUltraOrCore } from '../routes/stability/validate-ultra-core.js';
import { buildOpenApiDocument } from './document.js';
import { at, formOf, GENERATE, IMAGE, openStation, PROMPT } from './test-openapi.js';

const config = loadConfig({ AIGATE_LOG_LEVEL: 'silent' });
const doc = buildOpenApiDocument(config);
const ENDPOINTS = ['sd3', 'ultra', 'core'] as const;

/** A form whose maps and sets note every name looked up in them. */
function recordingForm(fields: Record<string, string>, files: string[], read: Set<string>): MultipartForm {
  class Seen<V> extends Map<string, V> {
    override get(key: string) { read.add(key); return super.get(key); }
    override has(key: string) { read.add(key); return super.has(key); }
  }
  class SeenSet extends Set<string> {
    override has(key: string) { read.add(key); return super.has(key); }
  }
  const file = { bytes: Buffer.alloc(0), filename: 'x.png', mimeType: 'image/png' };
  return {
    fields: new Seen(Object.entries(fields)),
    files: new Seen(files.map((name) => [name, file])),
    duplicates: new SeenSet(),
    truncated: new SeenSet(),
    fileNames: new SeenSet(files),
  };
}

async function namesRead(endpoint: (typeof ENDPOINTS)[number]): Promise<string[]> {
  const read = new Set<string>();
  // Enough shapes to walk every branch: empty, text-to-image, image-to-image (or with an image).
  const shapes: [Record<string, string>, string[]][] = [
    [{}, []],
    [{ prompt: PROMPT }, []],
    [{ prompt: PROMPT, mode: 'image-to-image', strength: '0.5' }, ['image']],
  ];
  for (const [fields, files] of shapes) {
    const form = recordingForm(fields, files, read);
    const run = endpoint === 'sd3' ? validateSd3(form, sd3Catalogue(config.models)) : validateUltraOrCore(form, config.models.get(endpoint)!);
    await run.catch(() => undefined);
  }
  return [...read].sort();
}

describe('the documented forms and the validators', () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: the validator reads exactly the documented fields`, async () => {
      assert.deepEqual(Object.keys(at(formOf(doc, endpoint), 'properties')).sort(), await namesRead(endpoint));
    });
  }

  it('documents the defaults the brief names, on the endpoints that take them', () => {
    const sd3 = at(formOf(doc, 'sd3'), 'properties');
    const defaults = Object.fromEntries(Object.entries(sd3).flatMap(([name, p]) => (at(p).default === undefined ? [] : [[name, at(p).default]])));
    assert.deepEqual(defaults, { aspect_ratio: '1:1', model: 'sd3-large', output_format: 'png', seed: 0, mode: 'text-to-image', cfg_scale: 4 });
  });

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: leaving a field out is the same as sending its documented default`, async () => {
      const { station, provider, post } = await openStation();
      try {
        for (const [name, property] of Object.entries(at(formOf(doc, endpoint), 'properties'))) {
          const fallback = at(property).default;
          if (fallback === undefined) continue;
          const without = await post(GENERATE(endpoint), [{ name: 'prompt', value: PROMPT }]);
          const withIt = await post(GENERATE(endpoint), [{ name: 'prompt', value: PROMPT }, { name, value: String(fallback) }]);
          assert.deepEqual([without.statusCode, withIt.statusCode], [200, 200], `${name}: ${withIt.body}`);
          const [left, sent] = provider.calls.slice(-2);
          assert.deepEqual(sent, left, `${endpoint} ${name}=${String(fallback)}`);
        }
        // The image field is documented and used: an image-to-image request reaches the provider with it.
        if (endpoint !== 'core') {
          const i2i = endpoint === 'sd3' ? [{ name: 'mode', value: 'image-to-image' }] : [];
          const reply = await post(GENERATE(endpoint), [{ name: 'prompt', value: PROMPT }, { name: 'strength', value: '0.5' }, ...i2i, IMAGE]);
          assert.equal(reply.statusCode, 200, reply.body);
          assert.equal(provider.calls.at(-1)?.image?.width, 128);
        }
      } finally {
        await station.close();
      }
    });
  }
});
