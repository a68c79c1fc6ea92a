/**
 * @module The playground's answer: the image itself, and what the station said about it (seed,
 * finish reason, request id, channel) and what it cost, once the usage log has it.
 */
import type { Generated } from './generate';

export type Cost = { state: 'looking' } | { state: 'found'; credits: string } | { state: 'unknown'; why: string };

export function PlaygroundResult({ result, cost, prompt }: { result: Generated; cost: Cost; prompt: string }) {
  return (
    <section class="result" aria-labelledby="result-title">
      <h2 id="result-title">Result</h2>
      <figure>
        <img src={result.url} alt={`Generated from the prompt: ${prompt}`} class="generated" />
      </figure>
      <dl class="facts" aria-label="About this image">
        <div><dt>Cost</dt><dd aria-live="polite">{cost.state === 'found' ? `${cost.credits} credits` : cost.state === 'looking' ? 'looking it up…' : cost.why}</dd></div>
        <div><dt>Seed</dt><dd>{result.seed ?? '—'}</dd></div>
        <div><dt>Finish reason</dt><dd>{result.finishReason ?? '—'}</dd></div>
        <div><dt>Request id</dt><dd class="mono">{result.requestId ?? '—'}</dd></div>
        <div><dt>Channel</dt><dd>{result.channel ?? '—'}</dd></div>
        <div><dt>Format</dt><dd>{result.type || '—'}</dd></div>
      </dl>
    </section>
  );
}
