/** @module Channels in SQL: JSON columns for lists and maps, a revision bumped with every change. */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ChannelPatch, ChannelRecord, ChannelRepository, NewChannel } from '../store.js';
import { byCodeUnit } from './order.js';
import type { DirectSqlite } from '../direct-sqlite.js';
import { bumpRevision, revisionReader } from './revision.js';
import type { ChannelsTable, Database } from './schema.js';

const REVISION = 'channels_revision';

export const newChannelId = () => `ch_${randomBytes(5).toString('hex')}`;

function toRecord(row: Selectable<ChannelsTable>): ChannelRecord {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    baseUrl: row.base_url,
    credentialsEnc: row.credentials_enc,
    credentialsHint: row.credentials_hint,
    models: row.models === null ? null : (JSON.parse(row.models) as string[]),
    modelMap: JSON.parse(row.model_map) as Record<string, string>,
    options: JSON.parse(row.options) as Record<string, unknown>,
    priority: row.priority,
    weight: row.weight,
    maxConcurrency: row.max_concurrency,
    timeoutMs: row.timeout_ms,
    enabled: Boolean(row.enabled),
    disabledReason: row.disabled_reason,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toColumns(channel: ChannelPatch): Partial<ChannelsTable> {
  const columns: Partial<ChannelsTable> = {};
  if (channel.name !== undefined) columns.name = channel.name;
  if (channel.provider !== undefined) columns.provider = channel.provider;
  if (channel.baseUrl !== undefined) columns.base_url = channel.baseUrl;
  if (channel.credentialsEnc !== undefined) columns.credentials_enc = channel.credentialsEnc;
  if (channel.credentialsHint !== undefined) columns.credentials_hint = channel.credentialsHint;
  if (channel.models !== undefined) columns.models = channel.models === null ? null : JSON.stringify(channel.models);
  if (channel.modelMap !== undefined) columns.model_map = JSON.stringify(channel.modelMap);
  if (channel.options !== undefined) columns.options = JSON.stringify(channel.options);
  if (channel.priority !== undefined) columns.priority = channel.priority;
  if (channel.weight !== undefined) columns.weight = channel.weight;
  if (channel.maxConcurrency !== undefined) columns.max_concurrency = channel.maxConcurrency;
  if (channel.timeoutMs !== undefined) columns.timeout_ms = channel.timeoutMs;
  if (channel.enabled !== undefined) columns.enabled = channel.enabled ? 1 : 0;
  if (channel.disabledReason !== undefined) columns.disabled_reason = channel.disabledReason;
  return columns;
}

export function channelRepository(db: Kysely<Database>, now: () => number, direct?: DirectSqlite): ChannelRepository {
  const find = async (idOrName: string) => {
    const row = await db.selectFrom('channels').selectAll().where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).executeTakeFirst();
    return row && toRecord(row);
  };
  return {
    async create(channel: NewChannel) {
      const at = now();
      const row = { ...(toColumns(channel) as ChannelsTable), id: channel.id ?? newChannelId(), created_at: at, updated_at: at };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('channels').values(row).execute();
        await bumpRevision(trx, REVISION);
      });
      return (await find(row.id))!;
    },
    find,
    async list() {
      const rows = await db.selectFrom('channels').selectAll().execute();
      // Names are ordered here, not by ORDER BY, so the order is the same whatever the collation.
      return rows.map(toRecord).sort((a, b) => b.priority - a.priority || byCodeUnit(a.name, b.name));
    },
    async update(id, patch) {
      const changed = await db.transaction().execute(async (trx) => {
        const result = await trx.updateTable('channels').set({ ...toColumns(patch), updated_at: now() }).where('id', '=', id).executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await bumpRevision(trx, REVISION);
        return true;
      });
      return changed ? find(id) : undefined;
    },
    async remove(id) {
      return db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('channels').where('id', '=', id).executeTakeFirst();
        if (result.numDeletedRows === 0n) return false;
        await bumpRevision(trx, REVISION);
        return true;
      });
    },
    revision: revisionReader(db, REVISION, direct),
  };
}
