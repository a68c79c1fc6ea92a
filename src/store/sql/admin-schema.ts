/**
 * @module The admin tables as Kysely sees them (migration 003). Kept apart from schema.ts; the
 * repositories that use them widen their Kysely with `withTables<AdminTables>()`, which wants
 * type aliases (interfaces have no implicit index signature).
 */

export type OperatorsTable = {
  id: string;
  username: string;
  password_hash: string;
  created_at: number;
};

export type AdminSessionsTable = {
  /** SHA-256 of the session cookie's token. */
  id: string;
  operator_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
};

export type ModelPricesTable = {
  model: string;
  /** Milli-credits. */
  price: number;
  updated_at: number;
};

export type AdminTables = {
  operators: OperatorsTable;
  admin_sessions: AdminSessionsTable;
  model_prices: ModelPricesTable;
};
