/**
 * @module The document's constraints are the validators' own, proven through the built app:
 * every listed enum value is accepted and an unlisted one refused; every numeric and length bound
 * is accepted at the bound and refused just past it. Whatever the document lists is what gets
 * posted, so a schema changed on one side only fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Part } from '../../../test/helpers/multipart.js';
import { loadConfig } from '../../config/config.js';
import { buildOpenApiDocument } from './document.js';
import type { Json } from './json.js';
import { at, formOf, GENERATE, IMAGE, openStation, PROMPT } from './test-openapi.js';

const doc = buildOpenApiDocument(loadConfig({ AIGATE_LOG_LEVEL: 'silent' }));
const ENDPOINTS = ['sd3', 'ultra', 'core'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

/** The other parts a value needs to be valid at all (the cross-field rules). */
function companions(endpoint: Endpoint, field: string, value: string): Part[] {
  const withImage = field === 'strength' || (field === 'mode' && value === 'image-to-image');
  if (!withImage) return [];
  return [
    IMAGE,
    ...(field === 'strength' ? [] : [{ name: 'strength', value: '0.5' }]),
    ...(endpoint === 'sd3' && field !== 'mode' ? [{ name: 'mode', value: 'image-to-image' }] : []),
  ];
}

/** [value, accepted] pairs for one documented property, straight from its schema. */
function probes(property: Record<string, Json>): [string, boolean][] {
  const out: [string, boolean][] = [];
  if (Array.isArray(property.enum)) {
    for (const value of property.enum) out.push([String(value), true]);
    out.push(['not-a-listed-value', false]);
  }
  if (typeof property.minimum === 'number' && typeof property.maximum === 'number') {
    const step = property.type === 'integer' ? 1 : 0.001;
    out.push([String(property.minimum), true], [String(property.maximum), true]);
    out.push([String(property.minimum - step), false], [String(property.maximum + step), false]);
  }
  if (typeof property.maxLength === 'number') {
    const min = typeof property.minLength === 'number' ? property.minLength : 0;
    // Four-byte characters: the bound counts characters, as the validator does, not bytes.
    out.push(['😀'.repeat(property.maxLength), true], ['😀'.repeat(property.maxLength + 1), false]);
    if (min > 0) out.push(['p'.repeat(min), true], ['p'.repeat(min - 1), false]);
  }
  return out;
}

describe('every constraint in the document holds in the app', () => {
  let station: Awaited<ReturnType<typeof openStation>>;
  before(async () => (station = await openStation()));
  after(() => station.station.close());

  const checked = new Set<string>();
  for (const endpoint of ENDPOINTS) {
    for (const [field, schema] of Object.entries(at(formOf(doc, endpoint), 'properties'))) {
      const cases = probes(at(schema));
      if (cases.length === 0) continue;
      it(`${endpoint}: ${field}`, async () => {
        for (const [value, accepted] of cases) {
          const parts: Part[] = [...(field === 'prompt' ? [] : [{ name: 'prompt', value: PROMPT }]), { name: field, value }, ...companions(endpoint, field, value)];
          const reply = await station.post(GENERATE(endpoint), parts);
          const shown = value.length > 20 ? `${value.slice(0, 8)}... (${[...value].length} characters)` : value;
          if (accepted) {
            assert.equal(reply.statusCode, 200, `${endpoint} ${field}=${shown}: ${reply.body}`);
          } else {
            assert.equal(reply.statusCode, 400, `${endpoint} ${field}=${shown} must be refused`);
            const { errors } = reply.json<{ errors: string[] }>();
            assert.ok(errors.some((e) => e.startsWith(`${field}: `)), `${endpoint} ${field}=${shown}: ${errors.join('; ')}`);
          }
        }
        checked.add(field);
      });
    }
  }

  it('checked the enums and bounds the brief names, so the suite above cannot pass empty', () => {
    for (const field of ['aspect_ratio', 'output_format', 'style_preset', 'model', 'mode', 'seed', 'strength', 'cfg_scale', 'prompt', 'negative_prompt']) {
      assert.ok(checked.has(field), field);
    }
  });
});
