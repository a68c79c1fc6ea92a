/**
 * @module Runs the station: open the store and the shared state (Redis, if configured), set up a
 * first start, build the app, listen, sweep expired holds, and drain on SIGTERM or SIGINT.
 */
import type { Config } from '../config/config.js';
import { buildApp } from '../app.js';
import { loadMasterKey } from '../channels/master-key.js';
import { secretBox } from '../channels/secret-box.js';
import { openStore, storeOptions } from '../store/open-store.js';
import { firstStart, type FirstStartSecrets } from './first-start.js';
import { lifecycle } from './lifecycle.js';
import { sharedState } from './shared-state.js';

function banner(config: Config, url: string, secrets: FirstStartSecrets | undefined): string {
  const lines = [`aigate is listening on ${url} (data: ${config.dataDir})`];
  if (secrets) {
    lines.push(
      '',
      'First start. These secrets are shown once; save them now:',
      `  admin token:            ${secrets.adminToken}`,
      `  demo API key (100 cr):  ${secrets.demoKey}   (id ${secrets.demoKeyId})`,
      '',
      'Try it:',
      `  curl -X POST ${url}/sd/v2beta/stable-image/generate/sd3 -H "Authorization: Bearer ${secrets.demoKey}" -H "accept: image/*" -F prompt="a lighthouse on a cliff" -o out.png`,
    );
  }
  return lines.join('\n');
}

export async function serve(config: Config): Promise<void> {
  // On PostgreSQL a replica refuses to start while migrations are pending; `aigate migrate` applies them.
  const store = await openStore(storeOptions(config));
  const secrets = await firstStart(store);
  const box = secretBox(loadMasterKey({ secret: config.secret, keyFile: config.secretFile }));
  const life = lifecycle();
  // Redis errors go to the app's logger once it exists (a connection error can come first).
  const redisLog: { warn: (error: Error) => void } = { warn: () => {} };
  const shared = await sharedState(config, (error) => redisLog.warn(error));
  const app = await buildApp({ config, store, secrets: box, metricsToken: config.metricsToken, ...shared, ...life.signals });
  redisLog.warn = (error) => app.log.warn({ err: error }, 'redis connection error');
  // Holds left open by a process that died are reclaimed once their lease runs out.
  const sweep = () =>
    store.credits.releaseExpired(Date.now()).then(
      (released) => released > 0 && app.log.warn({ released }, 'released credit holds whose lease ran out'),
      (error: unknown) => app.log.error({ err: error }, 'could not sweep expired credit holds'),
    );
  await sweep();
  const sweeper = setInterval(() => void sweep(), 60_000).unref();
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`${banner(config, address, secrets)}\n`);

  const stop = (signal: string) => {
    app.log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'draining');
    clearInterval(sweeper);
    void life
      .stop(app, config.shutdownGraceSeconds * 1000, async () => {
        await shared.close();
        await store.close();
      })
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}