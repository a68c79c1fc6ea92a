/**
 * @module A client that hangs up mid-generation: listen on loopback, POST a generation with
 * fetch, and abort once the provider has started (no timer), reporting how the client saw it.
 */
import type { AddressInfo } from 'node:net';
import { multipart } from './multipart.js';
import type { TestStation } from './test-app.js';

const SD3 = '/v2beta/stable-image/generate/sd3';

/** @returns 'AbortError' when the client hung up before any answer, else `answered <status>`. */
export async function hangUpDuringGeneration(station: TestStation, plaintext: string, providerStarted: Promise<unknown>): Promise<string> {
  await station.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = station.app.server.address() as AddressInfo;
  const form = multipart({ prompt: 'a lighthouse' });
  const controller = new AbortController();
  const outcome = fetch(`http://127.0.0.1:${port}${SD3}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType },
    body: form.body,
    signal: controller.signal,
  }).then(
    (response) => `answered ${response.status}`,
    (error: unknown) => (error as Error).name,
  );
  await providerStarted;
  controller.abort();
  return outcome;
}
