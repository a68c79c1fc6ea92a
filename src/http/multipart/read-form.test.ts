/** The streaming multipart reader on bodies that end where they must not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testStation } from '../../../test/helpers/test-app.js';

const truncatedInFile = (name: string) =>
  Buffer.from(`--b\r\ncontent-disposition: form-data; name="prompt"\r\n\r\nx\r\n--b\r\ncontent-disposition: form-data; name="${name}"; filename="f.png"\r\ncontent-type: image/png\r\n\r\nabc`);

describe('readMultipartForm', () => {
  for (const part of ['none', 'image']) {
    it(`a body that ends inside a file part (${part}) is a 400, not a crash`, async () => {
      const station = await testStation();
      const crashes: unknown[] = [];
      const onCrash = (error: unknown) => crashes.push(error);
      process.on('uncaughtException', onCrash);
      try {
        const { id, plaintext } = await station.key({ credits: '10' });
        const response = await station.app.inject({
          method: 'POST',
          url: '/v2beta/stable-image/generate/sd3',
          headers: { authorization: `Bearer ${plaintext}`, 'content-type': 'multipart/form-data; boundary=b' },
          payload: truncatedInFile(part),
        });
        assert.equal(response.statusCode, 400);
        assert.deepEqual(response.json().errors, ['body: malformed multipart/form-data']);
        assert.deepEqual(crashes, []);
        const key = await station.store.keys.get(id);
        assert.deepEqual([key?.balance, key?.held], [10_000, 0]);
      } finally {
        process.off('uncaughtException', onCrash);
        await station.close();
      }
    });
  }
});
