/**
 * @module The reference floor: Debian's nginx as a keep-alive reverse proxy, one worker on the
 * gateway core, loopback only, with its own config, pid and temp paths in bench/.work. Response
 * buffering is off by default: with nginx's default buffers a 1.4 MB answer spills to a temp
 * file on disk, which would measure the disk, not the proxy; off, nginx relays it through one
 * 64 KiB buffer, like the Node pipe streams it (BENCH_NGINX_BUFFERING=on keeps it in memory).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port.js';
import { ensureDebianPackage, run, startChild, type Child } from './processes.js';

export const NGINX = '/usr/sbin/nginx';

/** Installs Debian's nginx when missing (as root); returns `nginx/<version>`. */
export async function ensureNginx(): Promise<string> {
  if (!existsSync(NGINX)) {
    await ensureDebianPackage(NGINX, 'nginx');
    if (existsSync('/run/nginx.pid')) console.log('  note: the package started a system nginx (/run/nginx.pid); this benchmark does not use it');
  }
  const { stderr } = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return stderr.match(/nginx\/\S+/)?.[0] ?? 'nginx (unknown version)';
}

export interface NginxRoute {
  name: string;
  upstream: string;
}

function config(dir: string, routes: readonly (NginxRoute & { port: number })[], buffering: boolean): string {
  const relay = buffering
    ? 'proxy_buffering on; proxy_buffer_size 64k; proxy_buffers 32 64k; proxy_busy_buffers_size 256k; proxy_max_temp_file_size 0;'
    : 'proxy_buffering off; proxy_buffer_size 64k; proxy_buffers 8 64k; proxy_busy_buffers_size 128k;';
  const blocks = routes.map((r) => {
    const up = new URL(r.upstream);
    return `
  upstream ${r.name} { server ${up.hostname}:${up.port}; keepalive 1024; keepalive_requests 1000000; keepalive_timeout 60s; }
  server {
    listen 127.0.0.1:${r.port} backlog=4096;
    location / {
      proxy_pass http://${r.name};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_request_buffering off;
      ${relay}
      proxy_read_timeout 120s;
    }
  }`;
  });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${path.join(dir, `${t}_temp`)};`).join('\n  ');
  return `daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 16384;
pid ${path.join(dir, 'nginx.pid')};
error_log stderr notice;
events { worker_connections 8192; }
http {
  access_log off;
  ${temp}
  client_max_body_size 12m;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
${blocks.join('\n')}
}
`;
}

/** Starts nginx with one server (a fresh loopback port) per route; returns each route's base URL. */
export async function startNginx(work: string, routes: readonly NginxRoute[], options: { core: number | undefined; buffering: boolean }): Promise<{ child: Child; urls: Map<string, string> }> {
  const dir = path.join(work, 'nginx');
  mkdirSync(dir, { recursive: true });
  const withPorts = await Promise.all(routes.map(async (r) => ({ ...r, port: await freePort() })));
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, withPorts, options.buffering));
  // nginx logs "start worker process" at notice level once its sockets are bound.
  const { child } = await startChild('nginx', NGINX, ['-p', dir, '-c', file, '-e', 'stderr'], { core: options.core, ready: /start worker process/ });
  return { child, urls: new Map(withPorts.map((r) => [r.name, `http://127.0.0.1:${r.port}`])) };
}
