/**
 * @module What every CLI command gets: the frozen config, a store opened on the same database as
 * the station (the data directory's SQLite file in WAL, so both can write, or DATABASE_URL's
 * PostgreSQL), and an output that is either human text or one JSON object.
 */
import { loadConfig, type Config } from '../config/config.js';
import { loadMasterKey } from '../channels/master-key.js';
import { secretBox, type SecretBox } from '../channels/secret-box.js';
import { openStore, storeOptions } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  write(text: string): void;
  /** All of stdin, for secrets that must not be command arguments. Default: the process's. */
  readStdin?(): Promise<string>;
}

export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A mistake by the CLI's user: printed without a stack, exit status 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface CommandContext {
  config: Config;
  store: Store;
  /** The master key's box, loaded (or the key file created) only by commands that need it. */
  secrets(): SecretBox;
  /** Prints `human()` or, with --json, `data` as one JSON object. */
  print(json: boolean, data: Record<string, unknown>, human: () => string): void;
}

export async function withStore<T>(io: CliIo, run: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  // On PostgreSQL this refuses while migrations are pending: only `aigate migrate` changes the schema.
  const store = await openStore(storeOptions(config));
  const print: CommandContext['print'] = (json, data, human) => io.write(`${json ? JSON.stringify(data) : human()}\n`);
  try {
    let box: SecretBox | undefined;
    const secrets = () => (box ??= secretBox(loadMasterKey({ secret: config.secret, keyFile: config.secretFile })));
    return await run({ config, store, print, secrets });
  } finally {
    await store.close();
  }
}

/** Left-aligned columns for human output. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
