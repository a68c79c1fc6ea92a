/**
 * @module A free loopback port, for servers that cannot listen on port 0 and report it (nginx
 * reads its ports from a file, Portkey from `--port=`). The kernel picks it; the short window
 * before the server binds it is the only race, and a clash fails the start loudly.
 */
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
