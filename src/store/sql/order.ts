/**
 * @module Text order that does not depend on the database. ORDER BY on text follows the collation:
 * byte order in SQLite, often locale rules in PostgreSQL ("a-b" after "ab" under en_US), so short
 * lists whose order users see are sorted in JS instead.
 */

/** By UTF-16 code unit, which matches SQLite's byte order for all but astral characters. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
