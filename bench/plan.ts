/**
 * @module The targets of each phase. At c=1 and c=64: direct, nginx, the Node pipe, aigate
 * (image/* and JSON), the sandbox (PNG and JPEG) and Portkey. With 500 in flight against the slow
 * upstream: aigate, with direct, nginx and the pipe as references (and Portkey on full runs).
 */
import { portkeyRequest, sd3Request } from './requests.js';
import type { Stations } from './stations.js';
import type { Target } from './targets.js';

export const NAMES = {
  direct: 'direct',
  nginx: 'nginx',
  pipe: 'node-pipe',
  aigateImage: 'aigate image/*',
  aigateJson: 'aigate json',
  sandboxPng: 'sandbox png',
  sandboxJpeg: 'sandbox jpeg',
  portkey: 'portkey',
} as const;

export function throughputTargets(s: Stations): Target[] {
  const key = s.upstreamKey;
  const fastUp = [s.upstream.fast.child.pid];
  return [
    { name: NAMES.direct, note: 'client to the fake upstream', request: sd3Request(s.upstream.fast.url, key, 'image/*'), pids: [], upstreamPids: fastUp, expect: 'png' },
    { name: NAMES.nginx, note: `${s.nginx.version}, keep-alive proxy_pass`, request: sd3Request(s.nginx.fast, key, 'image/*'), pids: [s.nginx.child.pid], upstreamPids: fastUp, expect: 'png' },
    { name: NAMES.pipe, note: 'node:http pipe, keep-alive Agent', request: sd3Request(s.pipe.fast.url, key, 'image/*'), pids: [s.pipe.fast.child.pid], upstreamPids: fastUp, expect: 'png' },
    { name: NAMES.aigateImage, note: 'full sd3 path, stability channel', request: sd3Request(s.aigate.fast.url, s.aigate.fast.key, 'image/*'), pids: [s.aigate.fast.child.pid], upstreamPids: fastUp, expect: 'png' },
    { name: NAMES.aigateJson, note: 'same, base64 JSON answer', request: sd3Request(s.aigate.fast.url, s.aigate.fast.key, 'application/json'), pids: [s.aigate.fast.child.pid], upstreamPids: fastUp, expect: 'json' },
    { name: NAMES.sandboxPng, note: 'sandbox channel, 1 MP PNG', request: sd3Request(s.aigate.sandbox.url, s.aigate.sandbox.key, 'image/*', 'png'), pids: [s.aigate.sandbox.child.pid], upstreamPids: [], expect: 'png', cpuBound: true },
    { name: NAMES.sandboxJpeg, note: 'sandbox channel, 1 MP JPEG', request: sd3Request(s.aigate.sandbox.url, s.aigate.sandbox.key, 'image/*', 'jpeg'), pids: [s.aigate.sandbox.child.pid], upstreamPids: [], expect: 'jpeg', cpuBound: true },
    { name: NAMES.portkey, note: 'OpenAI images route, stability-ai, custom host', request: portkeyRequest(s.portkey.url, s.upstream.fast.url, key), pids: [s.portkey.child.pid], upstreamPids: fastUp, expect: 'openai' },
  ];
}

/** Portkey spends tens of ms of CPU per answer, so it joins this phase only on full runs. */
export function inFlightTargets(s: Stations, withPortkey: boolean): Target[] {
  const key = s.upstreamKey;
  const slowUp = [s.upstream.slow.child.pid];
  const targets: Target[] = [
    { name: NAMES.direct, note: 'client to the slow upstream', request: sd3Request(s.upstream.slow.url, key, 'image/*'), pids: [], upstreamPids: slowUp, expect: 'png' },
    { name: NAMES.nginx, note: s.nginx.version, request: sd3Request(s.nginx.slow, key, 'image/*'), pids: [s.nginx.child.pid], upstreamPids: slowUp, expect: 'png' },
    { name: NAMES.pipe, note: 'node:http pipe', request: sd3Request(s.pipe.slow.url, key, 'image/*'), pids: [s.pipe.slow.child.pid], upstreamPids: slowUp, expect: 'png' },
    { name: NAMES.aigateImage, note: 'full sd3 path, stability channel', request: sd3Request(s.aigate.slow.url, s.aigate.slow.key, 'image/*'), pids: [s.aigate.slow.child.pid], upstreamPids: slowUp, expect: 'png' },
  ];
  const portkey: Target = { name: NAMES.portkey, note: 'OpenAI images route', request: portkeyRequest(s.portkey.url, s.upstream.slow.url, key), pids: [s.portkey.child.pid], upstreamPids: slowUp, expect: 'openai' };
  return withPortkey ? [...targets, portkey] : targets;
}
