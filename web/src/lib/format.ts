/**
 * @module Display and input conversions shared by the pages. Credit amounts are never converted:
 * the API's decimal strings are shown as they come.
 */

const two = (n: number) => String(n).padStart(2, '0');

/** `2027-01-31 12:00:05` in the browser's time zone; a dash for none. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** An ISO time as a `datetime-local` input's value (local time, to the minute). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A `datetime-local` value (local time) as ISO 8601, or null when empty. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** `a, b` from a comma- or space-separated list; null when empty ("every model"). */
export function parseList(text: string): string[] | null {
  const items = text.split(/[\s,]+/).filter(Boolean);
  return items.length ? items : null;
}

/** A number input's value, or undefined when left empty (the API's default applies). */
export function optionalNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

export const percent = (ratio: number | null) => (ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`);
