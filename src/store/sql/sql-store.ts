/** @module Assembles the SQL repositories over one Kysely instance; the same code serves both dialects. */
import type { Kysely } from 'kysely';
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

export function sqlStore(db: Kysely<Database>, now: () => number = Date.now): Store {
  return {
    keys: keyRepository(db, now),
    credits: creditRepository(db, now),
    bannedWords: bannedWordRepository(db, now),
    usage: usageRepository(db),
    settings: settingRepository(db),
    channels: channelRepository(db, now),
    operators: operatorRepository(db, now),
    sessions: sessionRepository(db),
    prices: priceRepository(db, now),
    keyEdits: keyEditRepository(db),
    usageReports: usageReportRepository(db),
    images: imageRepository(db),
    close: () => db.destroy(),
  };
}
