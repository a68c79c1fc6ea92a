/**
 * @module Runs the station: open the store and the shared state (Redis, if configured), set up a
 * first start, build the app, listen, sweep expired holds and images past their retention, and
 * drain on SIGTERM or SIGINT.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.js';
import { buildApp } from '../app.js';
import { loadMasterKey } from '../channels/master-key.js';
import { secretBox } from '../channels/secret-box.js';
import { openImageStore, startImageSweeper } from '../images/index.js';
import { openStore, storeOptions } from '../store/open-store.js';
import type { Store } from '../store/store.js';
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

/**
 * Images past their retention leave the store at start-up and every hour. A disk store on
 * PostgreSQL is warned about (decision in docs/decisions.md): unless every replica shares the
 * directory, each serves only the images it kept itself.
 */
function startImagesSweep(config: Config, store: Store, log: FastifyBaseLogger) {
  const images = openImageStore(config.images);
  if (!images) return undefined;
  if (config.images.store === 'disk' && config.databaseUrl) {
    log.warn(
      { imageDir: config.images.dir },
      'generated images are kept on this replica\'s disk: a replica serves only the images it kept unless AIGATE_IMAGE_DIR is a directory every replica shares; use AIGATE_IMAGE_STORE=s3 for several replicas',
    );
  }
  const { retentionDays } = config.images;
  const sweeper = retentionDays > 0 ? startImageSweeper({ store, images, retentionDays, now: Date.now, intervalMs: 3_600_000, log }) : undefined;
  return {
    async stop() {
      await sweeper?.stop();
      await images.close();
    },
  };
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
  const imageSweeper = startImagesSweep(config, store, app.log);
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`${banner(config, address, secrets)}\n`);

  const stop = (signal: string) => {
    app.log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'draining');
    clearInterval(sweeper);
    void life
      .stop(app, config.shutdownGraceSeconds * 1000, async () => {
        await imageSweeper?.stop();
        await shared.close();
        await store.close();
      })
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}