/**
 * @module A second process for credits-repo.test.ts: opens its own store on the shared SQLite file
 * and, on the parent's word, places its holds concurrently, then captures the ones it won. Talks
 * over the IPC channel of `fork`, so the parent synchronises on messages, never on time.
 *
 * argv: <sqlite file> <key id> <holds> <amount> <tag>
 */
import { openStore } from '../open-store.js';

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'held'; holdIds: string[]; refusals: string[] }
  | { type: 'captured'; results: boolean[] }
  | { type: 'failed'; error: string };

const [file, keyId, holds, amount, tag] = process.argv.slice(2);
const send = (message: ChildMessage) => process.send!(message);

async function main() {
  const store = await openStore({ sqlitePath: file! });
  let holdIds: string[] = [];
  process.on('message', (command: 'go' | 'capture') => {
    void (async () => {
      try {
        if (command === 'go') {
          // Fire every hold without waiting for the previous one, yielding a turn of the event loop
          // between them so the two processes' attempts overlap instead of one finishing first.
          const pending = [];
          for (let i = 0; i < Number(holds); i++) {
            pending.push(store.credits.hold(keyId!, Number(amount), `${tag}-${i}`, Date.now() + 900_000));
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          const outcomes = await Promise.all(pending);
          holdIds = outcomes.flatMap((o) => (o.ok ? [o.holdId] : []));
          send({ type: 'held', holdIds, refusals: outcomes.flatMap((o) => (o.ok ? [] : [o.reason])) });
        } else {
          const results = await Promise.all(holdIds.map((id) => store.credits.capture(id)));
          await store.close();
          send({ type: 'captured', results });
          process.disconnect();
        }
      } catch (error) {
        send({ type: 'failed', error: String((error as Error).stack ?? error) });
        process.exitCode = 1;
        process.disconnect();
      }
    })();
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: String((error as Error).stack ?? error) });
  process.exitCode = 1;
  process.disconnect();
});
