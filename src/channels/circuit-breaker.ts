/**
 * @module Per-channel circuit breakers: open after N consecutive failures, then after a cool-down
 * let exactly one probe through; its success closes the circuit, its failure re-opens it.
 * Hand-written because routing must ask "may I call this channel?" without wrapping the call,
 * which is how circuit-breaker libraries work, and because the state moves to a shared store when
 * several replicas run. Async for that reason.
 */

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakers {
  /** May a call go to this channel now? Past the cool-down, true for one probe at a time. */
  allow(channelId: string): Promise<boolean>;
  success(channelId: string): Promise<void>;
  failure(channelId: string): Promise<void>;
  /** The call ended without telling anything about the upstream (the client left): free the probe. */
  abandon(channelId: string): Promise<void>;
  state(channelId: string): Promise<CircuitState>;
}

interface Circuit {
  failures: number;
  openedAt: number | null;
  probing: boolean;
}

export function memoryCircuitBreakers(options: { failures: number; cooldownMs: number; now?: () => number }): CircuitBreakers {
  const now = options.now ?? Date.now;
  const circuits = new Map<string, Circuit>();
  const circuit = (id: string) => {
    let c = circuits.get(id);
    if (!c) circuits.set(id, (c = { failures: 0, openedAt: null, probing: false }));
    return c;
  };
  const cooled = (c: Circuit) => c.openedAt !== null && now() - c.openedAt >= options.cooldownMs;
  return {
    async allow(id) {
      const c = circuit(id);
      if (c.openedAt === null) return true;
      if (!cooled(c) || c.probing) return false;
      c.probing = true;
      return true;
    },
    async success(id) {
      circuits.set(id, { failures: 0, openedAt: null, probing: false });
    },
    async failure(id) {
      const c = circuit(id);
      c.failures += 1;
      if (c.probing || c.failures >= options.failures) c.openedAt = now();
      c.probing = false;
    },
    async abandon(id) {
      circuit(id).probing = false;
    },
    async state(id) {
      const c = circuit(id);
      if (c.openedAt === null) return 'closed';
      return c.probing || cooled(c) ? 'half_open' : 'open';
    },
  };
}
