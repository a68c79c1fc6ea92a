/**
 * @module First start: mint the admin token and a demo key holding 100 credits, exactly once per
 * data directory. The admin token's hash is the marker, claimed atomically, so two processes
 * starting together cannot both mint.
 */
import { mintAdminToken } from '../auth/api-keys.js';
import { createApiKey } from '../auth/create-key.js';
import { parseCredits } from '../billing/credits.js';
import type { Store } from '../store/store.js';

export const ADMIN_TOKEN_SETTING = 'admin_token_hash';
export const DEMO_CREDITS = '100';

export interface FirstStartSecrets {
  adminToken: string;
  demoKey: string;
  demoKeyId: string;
}

/** @returns the secrets to show once, or undefined when this data directory was set up before. */
export async function firstStart(store: Store): Promise<FirstStartSecrets | undefined> {
  const admin = mintAdminToken();
  if (!(await store.settings.setIfAbsent(ADMIN_TOKEN_SETTING, admin.hash))) return undefined;
  const { key, plaintext } = await createApiKey(store, { name: 'demo', credits: parseCredits(DEMO_CREDITS) });
  return { adminToken: admin.plaintext, demoKey: plaintext, demoKeyId: key.id };
}
