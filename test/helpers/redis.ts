/**
 * @module Redis for tests: REDIS_URL names the server; without it (or when it does not answer)
 * the Redis tests skip with the reason, unless REQUIRE_SERVICES=1 (CI), where that is a failure.
 * Every fixture writes under its own key prefix, so parallel test files and CI runs sharing one
 * Redis never see each other's keys, and deletes them afterwards. Also a fake Redis that can
 * stop answering or hang up, for the failures a healthy server cannot show.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { Redis } from 'ioredis';
import { closeRedis, openRedis } from '../../src/redis/connection.js';

/** `skip` is false when Redis is there, else why the tests are skipped (node:test's `skip`). */
export interface RedisTarget {
  url: string;
  skip: string | false;
}

/** @throws Error when REQUIRE_SERVICES=1 and Redis is not configured or not reachable. */
export async function redisOrSkip(): Promise<RedisTarget> {
  const url = process.env.REDIS_URL ?? '';
  const unavailable = (why: string): RedisTarget => {
    if (process.env.REQUIRE_SERVICES === '1') throw new Error(`REQUIRE_SERVICES=1 but ${why}`);
    return { url: '', skip: `${why}; set REDIS_URL=redis://127.0.0.1:6379 to run these tests` };
  };
  if (!url) return unavailable('REDIS_URL is not set');
  try {
    const client = await openRedis(url);
    await client.ping();
    await closeRedis(client);
  } catch (error) {
    // The URL may carry a password: name the variable, not its value.
    return unavailable(`Redis at REDIS_URL does not answer (${(error as Error).message})`);
  }
  return { url, skip: false };
}

export interface RedisFixture {
  /** Unique to this fixture; pass it as the components' `prefix`. */
  prefix: string;
  /** Two clients standing for two replicas of the station sharing one Redis. */
  replicas: [Redis, Redis];
  /** Deletes every key under `prefix` and closes both clients. */
  close(): Promise<void>;
}

export async function redisFixture(url: string, label: string): Promise<RedisFixture> {
  const prefix = `aigate-test:${label}:${process.pid}:${randomUUID()}:`;
  const replicas: [Redis, Redis] = [await openRedis(url), await openRedis(url)];
  return {
    prefix,
    replicas,
    async close() {
      const [client] = replicas;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      await Promise.all(replicas.map(closeRedis));
    },
  };
}

const listen = async (server: net.Server) => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
};

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface FakeRedis {
  url: string;
  /** Cuts every client connection (ioredis then reconnects). */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * A server that completes ioredis's handshake (CLIENT SETINFO, INFO) and then treats each
 * command as `reply` says: an answer in RESP, 'silence' (never answer), or 'hang up'.
 */
export async function fakeRedis(reply: (command: string) => string): Promise<FakeRedis> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk) => {
      for (const [, name = ''] of chunk.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([^\r]+)\r\n/g)) {
        const command = name.toUpperCase();
        const answer = command === 'CLIENT' ? '+OK\r\n' : command === 'INFO' ? '$0\r\n\r\n' : reply(command);
        if (answer === 'hang up') socket.destroy();
        else if (answer !== 'silence') socket.write(answer);
      }
    });
  });
  const port = await listen(server);
  const dropConnections = () => sockets.forEach((socket) => socket.destroy());
  return {
    url: `redis://127.0.0.1:${port}`,
    dropConnections,
    close: () => {
      dropConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
