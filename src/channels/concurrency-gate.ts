/**
 * @module Per-channel concurrency caps. A full channel is skipped, not queued for: the next
 * channel may be free, and a queue would hold the client's connection with no bound.
 */

export interface ConcurrencyGate {
  /** Takes a slot if fewer than `limit` calls are in flight (no limit: always). */
  tryAcquire(channelId: string, limit: number | null): Promise<boolean>;
  release(channelId: string): Promise<void>;
  inFlight(channelId: string): Promise<number>;
}

export function memoryConcurrencyGate(): ConcurrencyGate {
  const counts = new Map<string, number>();
  return {
    async tryAcquire(id, limit) {
      const current = counts.get(id) ?? 0;
      if (limit !== null && current >= limit) return false;
      counts.set(id, current + 1);
      return true;
    },
    async release(id) {
      counts.set(id, Math.max(0, (counts.get(id) ?? 0) - 1));
    },
    async inFlight(id) {
      return counts.get(id) ?? 0;
    },
  };
}
