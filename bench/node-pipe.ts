/**
 * @module The Node floor: the least a Node HTTP proxy can do. node:http in, node:http out over a
 * keep-alive Agent, request and answer piped through unparsed and unbuffered. Whatever a Node
 * gateway costs beyond this is its own work (auth, parsing, ledger, buffering, logging).
 */
import http from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) a proxy must not forward. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

export function createNodePipe(upstream: URL): http.Server {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, keepAliveMsecs: 30_000 });
  const server = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => {
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...forwardable(req.headers), host: upstream.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
        answer.pipe(res);
      },
    );
    out.once('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      else res.destroy();
    });
    res.once('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });
  server.headersTimeout = 0;
  return server;
}
