/**
 * @module The model catalogue with its prices (GET /admin/api/prices), which the key form, the
 * usage filters and the playground all offer as choices.
 */
import { api } from '../api/client';
import type { PriceLine } from '../api/types';
import { useLoad } from './use-load';

export function usePrices(): PriceLine[] {
  const { data } = useLoad(() => api<{ prices: PriceLine[] }>('GET', 'prices'), []);
  return data?.prices ?? [];
}
