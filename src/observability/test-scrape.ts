/**
 * @module Test support for the observability tests: send a generation, scrape /metrics and read
 * one sample out of Prometheus' text format by name and labels.
 */
import assert from 'node:assert/strict';
import type { TestStation } from '../../test/helpers/test-app.js';
import { multipart } from '../../test/helpers/multipart.js';

export const SD3 = '/v2beta/stable-image/generate/sd3';

export function generate(station: TestStation, plaintext?: string) {
  const form = multipart({ prompt: 'a lighthouse' });
  const authorization = plaintext === undefined ? {} : { authorization: `Bearer ${plaintext}` };
  return station.app.inject({ method: 'POST', url: SD3, headers: { ...authorization, 'content-type': form.contentType }, payload: form.body });
}

export interface Scrape {
  text: string;
  /** The sample's value; 0 when no sample has these labels (a counter never incremented). */
  value(name: string, labels?: Record<string, string>): number;
}

function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [, key, value] of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels.set(key!, value!);
  return labels;
}

export async function scrape(station: TestStation, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await station.app.inject({ method: 'GET', url: '/metrics', headers });
  assert.equal(response.statusCode, 200, response.body);
  const text = response.body;
  return {
    text,
    value(name, wanted = {}) {
      for (const line of text.split('\n')) {
        const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!match || match[1] !== name) continue;
        const labels = parseLabels(match[2] ?? '');
        // Exact label sets, so `{channel="test"}` does not match a sample that also has `le`.
        if (labels.size === Object.keys(wanted).length && Object.entries(wanted).every(([k, v]) => labels.get(k) === v)) return Number(match[3]);
      }
      return 0;
    },
  };
}
