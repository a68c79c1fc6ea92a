/**
 * @module Benchmarks the sandbox provider: 1 MP text-to-image in each output format, timed
 * end to end (render + encode) after a warm-up. Run: node --import tsx bench/sandbox.ts
 */
import { createSandboxProvider } from '../src/providers/sandbox/index.js';
import type { GenerationRequest, OutputFormat } from '../src/providers/provider.js';

const WARM_UP = 5;
const RUNS = 30;
const provider = createSandboxProvider();
const signal = new AbortController().signal;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

for (const outputFormat of ['png', 'jpeg', 'webp'] as const satisfies readonly OutputFormat[]) {
  const request = (run: number): GenerationRequest => ({
    endpoint: 'sd3',
    model: 'sd3.5-large',
    prompt: `a lighthouse on a cliff at dusk, run ${run}`, // vary the picture so caching cannot flatter us
    width: 1024,
    height: 1024,
    aspectRatio: '1:1',
    seed: 1234 + run,
    outputFormat,
  });
  for (let run = 0; run < WARM_UP; run++) await provider.generate(request(run), { signal });
  const times: number[] = [];
  let bytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const result = await provider.generate(request(run), { signal });
    times.push(performance.now() - start);
    bytes += result.bytes.length;
  }
  times.sort((a, b) => a - b);
  const kib = Math.round(bytes / RUNS / 1024);
  console.log(
    `${outputFormat.padEnd(4)} 1024x1024  median ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  ~${kib} KiB`,
  );
}
