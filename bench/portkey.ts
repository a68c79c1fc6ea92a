/**
 * @module The peer users compare with: Portkey's AI gateway (npm @portkey-ai/gateway), installed on
 * demand into bench/.work/portkey, never into the project. It is driven on its OpenAI images
 * route with the stability-ai provider and `x-portkey-custom-host` pointing at the fake upstream;
 * it then posts multipart to `/v2beta/stable-image/generate/<model>` with `accept:
 * application/json` and converts the answer to OpenAI's `{data: [{b64_json}]}`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port.js';
import { run, startChild, type Child } from './processes.js';

export const PORTKEY_VERSION = '1.15.2';

const packageDir = (work: string) => path.join(work, 'portkey', 'node_modules', '@portkey-ai', 'gateway');

/** Installs the pinned version when missing. @returns its entry script. */
export async function ensurePortkey(work: string): Promise<string> {
  const prefix = path.join(work, 'portkey');
  const manifest = path.join(packageDir(work), 'package.json');
  const installed = existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version === PORTKEY_VERSION;
  if (!installed) {
    console.log(`  installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${prefix}`);
    mkdirSync(prefix, { recursive: true });
    // A package.json of its own, so npm cannot mistake the project for the place to install into.
    writeFileSync(path.join(prefix, 'package.json'), '{"private": true}\n');
    await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `@portkey-ai/gateway@${PORTKEY_VERSION}`], { cwd: prefix });
  }
  return path.join(packageDir(work), 'build', 'start-server.js');
}

export async function startPortkey(entry: string, preload: string, core: number | undefined): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const { child } = await startChild('portkey', process.execPath, ['--import', preload, entry, `--port=${port}`, '--headless'], {
    core,
    env: { ...process.env, NODE_ENV: 'production' },
    ready: /Ready for connections/,
  });
  return { child, url: `http://127.0.0.1:${port}` };
}
