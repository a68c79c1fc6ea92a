/**
 * @module Preloaded into Portkey (`node --import`), which listens on every interface with no
 * option to choose: a listen() without a host gets 127.0.0.1, so the benchmark stays on loopback.
 */
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(this: net.Server, ...args: unknown[]) {
  const [first, second] = args;
  if (typeof first === 'number' && typeof second !== 'string') args.splice(1, second === undefined ? 1 : 0, '127.0.0.1');
  else if (typeof first === 'object' && first !== null && !('host' in first) && !('path' in first)) args[0] = { ...first, host: '127.0.0.1' };
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;
