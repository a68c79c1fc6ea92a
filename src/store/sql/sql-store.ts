/** @module Assembles the SQL repositories over one Kysely instance; the same code serves both dialects. */
import type { Kysely } from 'kysely';
import type { DirectSqlite } from '../direct-sqlite.js';
import type { Store } from '../store.js';
import { channelRepository } from './channels-repo.js';
import { creditRepository } from './credits-repo.js';
import { imageRepository } from './images-repo.js';
import { keyEditRepository } from './key-edits-repo.js';
import { keyRepository } from './keys-repo.js';
import { bannedWordRepository, settingRepository, usageRepository } from './misc-repos.js';
import { operatorRepository, sessionRepository } from './operators-repo.js';
import { priceRepository } from './prices-repo.js';
import type { Database } from './schema.js';
import { usageReportRepository } from './usage-reports-repo.js';

/** `direct`: on SQLite, the connection the generation path's statements run on synchronously. */
export function sqlStore(db: Kysely<Database>, now: () => number = Date.now, direct?: DirectSqlite): Store {
  return {
    keys: keyRepository(db, now, direct),
    credits: creditRepository(db, now, direct),
    bannedWords: bannedWordRepository(db, now, direct),
    usage: usageRepository(db, direct),
    settings: settingRepository(db),
    channels: channelRepository(db, now, direct),
    operators: operatorRepository(db, now),
    sessions: sessionRepository(db),
    prices: priceRepository(db, now, direct),
    keyEdits: keyEditRepository(db),
    usageReports: usageReportRepository(db),
    images: imageRepository(db),
    close: () => db.destroy(),
  };
}
