/**
 * @module A channel's state in words and colour: enabled or disabled (with the reason), its
 * circuit and its calls in flight. Circuit and in-flight come from a newer station; an older one
 * leaves them out, and a station that cannot read them just now (Redis down) sends null: the
 * cells say so rather than guess.
 */
import type { Channel } from '../api/types';

const CIRCUIT_TEXT = { closed: 'closed (healthy)', open: 'open (skipped)', half_open: 'half open (probing)' } as const;

export function ChannelStatus({ channel }: { channel: Channel }) {
  if (channel.enabled) return <span class="badge active">enabled</span>;
  return (
    <span>
      <span class="badge revoked">disabled</span>
      {channel.disabled_reason && <small class="reason"> {channel.disabled_reason}</small>}
    </span>
  );
}

export function CircuitCell({ channel }: { channel: Channel }) {
  if (channel.circuit === undefined) return <span class="muted">not reported</span>;
  if (channel.circuit === null) return <span class="muted">unknown (not readable now)</span>;
  return <span class={`badge circuit-${channel.circuit}`}>{CIRCUIT_TEXT[channel.circuit] ?? channel.circuit}</span>;
}

export function InFlightCell({ channel }: { channel: Channel }) {
  if (channel.in_flight === undefined || channel.in_flight === null) return <span class="muted">—</span>;
  return (
    <span>
      {channel.in_flight}
      {channel.max_concurrency !== null && ` / ${channel.max_concurrency}`}
    </span>
  );
}
