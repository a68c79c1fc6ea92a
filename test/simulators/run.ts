/**
 * @module Starts one upstream simulator by hand, for trying channels without a real account:
 *
 *   node --import tsx test/simulators/run.ts <stability|replicate|fireworks|comfyui|a1111> [--port N] [--key K]
 *
 * It listens on 127.0.0.1 only, prints its URL and the key it accepts, and runs until SIGINT or
 * SIGTERM. The simulators listen on an ephemeral port; with --port, a plain forwarding server on
 * that port pipes every request to it (and the simulator's own links, such as Replicate's polling
 * URLs, name the forwarding port).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { startA1111Simulator } from './a1111.js';
import { startComfyuiSimulator } from './comfyui.js';
import { startFireworksSimulator } from './fireworks.js';
import { REPLICATE_SIM_TOKEN, startReplicateSimulator } from './replicate.js';
import type { Simulator } from './sim-kit.js';
import { STABILITY_SIM_KEY, startStabilitySimulator } from './stability.js';

export const USAGE = 'usage: node --import tsx test/simulators/run.ts <stability|replicate|fireworks|comfyui|a1111> [--port N] [--key K]';

/** The Fireworks simulator's own default key (not exported by it), passed explicitly so what is printed is what it accepts. */
const FIREWORKS_SIM_KEY = 'fw_sim_key';

interface SimulatorEntry {
  start(credentials: string | undefined): Promise<Simulator>;
  /** The key accepted when --key is not given; undefined: no authentication at all. */
  defaultKey: string | undefined;
  /** How a client presents the key. */
  scheme: string;
}

export const SIMULATORS: Readonly<Record<string, SimulatorEntry>> = {
  stability: { start: (credentials) => startStabilitySimulator({ credentials }), defaultKey: STABILITY_SIM_KEY, scheme: 'Authorization: Bearer <key>' },
  replicate: { start: (credentials) => startReplicateSimulator({ credentials }), defaultKey: REPLICATE_SIM_TOKEN, scheme: 'Authorization: Bearer <key>' },
  fireworks: { start: (credentials) => startFireworksSimulator({ credentials }), defaultKey: FIREWORKS_SIM_KEY, scheme: 'Authorization: Bearer <key>' },
  comfyui: { start: (credentials) => startComfyuiSimulator(credentials === undefined ? {} : { credentials }), defaultKey: undefined, scheme: 'Authorization: Bearer <key>, or Basic user:password' },
  a1111: { start: (credentials) => startA1111Simulator(credentials === undefined ? {} : { credentials }), defaultKey: undefined, scheme: 'Basic auth, --key user:password' },
};

export interface RunOptions {
  name: string;
  port: number;
  key: string | undefined;
}

/** @throws Error with the usage line when the arguments are wrong. */
export function parseArgs(argv: readonly string[]): RunOptions {
  const fail = (why: string): never => {
    throw new Error(`${why}\n${USAGE}`);
  };
  let name: string | undefined;
  let port = 0;
  let key: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = () => argv[++i] ?? fail(`${arg} needs a value`);
    if (arg === '--port') {
      const text = value();
      port = Number(text);
      if (!/^\d+$/.test(text) || port > 65535) fail(`--port: "${text}" is not a port number`);
    } else if (arg === '--key') {
      key = value();
      if (key === '') fail('--key: must not be empty');
    } else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
    else if (name === undefined) name = arg;
    else fail(`unexpected argument ${arg}`);
  }
  if (name === undefined) return fail('name a simulator');
  if (!Object.hasOwn(SIMULATORS, name)) fail(`unknown simulator "${name}"; known: ${Object.keys(SIMULATORS).join(', ')}`);
  return { name, port, key };
}

export interface Forwarder {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` and pipes every request to `target` (an http://127.0.0.1:N URL) as is. */
export async function forwardingServer(target: string, port: number): Promise<Forwarder> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(res);
        // The simulator hung up mid-body (a reset fault): hang up on the client too.
        answer.on('aborted', () => res.destroy());
        answer.on('error', () => res.destroy());
      },
    );
    out.on('error', () => {
      // Pass a reset on as a reset, as the simulator meant it.
      if (res.headersSent) res.destroy();
      else req.socket.destroy();
    });
    req.pipe(out);
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => (server.off('error', reject), resolve()));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Running {
  /** Where clients connect: the forwarding port when --port was given, else the simulator's own. */
  url: string;
  key: string | undefined;
  simulator: Simulator;
  close(): Promise<void>;
}

export async function run(options: RunOptions): Promise<Running> {
  const entry = SIMULATORS[options.name]!;
  const key = options.key ?? entry.defaultKey;
  const simulator = await entry.start(key);
  if (options.port === 0) return { url: simulator.url, key, simulator, close: () => simulator.close() };
  let forwarder: Forwarder;
  try {
    forwarder = await forwardingServer(simulator.url, options.port);
  } catch (error) {
    await simulator.close();
    throw error;
  }
  // Links the simulator hands out (polling and download URLs) then go through the requested port too.
  simulator.url = forwarder.url;
  return {
    url: forwarder.url,
    key,
    simulator,
    close: async () => {
      await forwarder.close();
      await simulator.close();
    },
  };
}

async function main(): Promise<void> {
  let options: RunOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const running = await run(options);
  const entry = SIMULATORS[options.name]!;
  process.stdout.write(
    [
      `${options.name} simulator listening on ${running.url}`,
      running.key === undefined ? 'accepted key: none (no authentication)' : `accepted key: ${running.key}`,
      running.key === undefined ? '' : `present it as: ${entry.scheme}`,
      'Ctrl-C to stop.',
    ].filter(Boolean).join('\n') + '\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
