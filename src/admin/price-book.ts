/**
 * @module The price of each model: the operator's override from the store if there is one, else
 * the configured price (defaults and AIGATE_PRICES). Generation asks it on every request; the
 * overrides are cached and reloaded only when the store's price revision moves (bumped in the
 * transaction that changes a price), so a change applies to the next request on every replica
 * for the cost of one small read.
 */
import type { ModelSpec } from '../config/models.js';
import type { PriceRepository } from '../store/admin-store.js';

export interface PriceBook {
  /** Milli-credits, or undefined for a model the catalogue does not have. */
  priceOf(model: string): Promise<number | undefined>;
}

export interface PriceLine {
  model: string;
  /** What a generation costs now. */
  price: number;
  /** The configured price, used when the override is removed. */
  defaultPrice: number;
  override: { price: number; updatedAt: number } | null;
}

export function priceBook(repo: PriceRepository, models: ReadonlyMap<string, ModelSpec>): PriceBook {
  let cached: { revision: number; overrides: Map<string, number> } | undefined;
  return {
    async priceOf(model) {
      const spec = models.get(model);
      if (!spec) return undefined;
      const revision = await repo.revision();
      if (!cached || cached.revision !== revision) {
        // Read the revision first: an override that lands between the two reads is picked up next time.
        cached = { revision, overrides: new Map((await repo.list()).map((o) => [o.model, o.price])) };
      }
      return cached.overrides.get(model) ?? spec.price;
    },
  };
}

/** Every catalogue model with its current, default and overridden price, in catalogue order. */
export async function priceLines(repo: PriceRepository, models: ReadonlyMap<string, ModelSpec>): Promise<PriceLine[]> {
  const overrides = new Map((await repo.list()).map((o) => [o.model, o]));
  return [...models.values()].map((spec) => {
    const override = overrides.get(spec.id);
    return {
      model: spec.id,
      price: override?.price ?? spec.price,
      defaultPrice: spec.price,
      override: override ? { price: override.price, updatedAt: override.updatedAt } : null,
    };
  });
}
