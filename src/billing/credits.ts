/**
 * @module Credits as exact integers. A credit is 1000 milli-credits; every stored amount is an
 * integer number of milli-credits so that 6.5 + 4 never drifts (spec §8).
 */

export const MILLI_PER_CREDIT = 1000;

/** A whole number of milli-credits. */
export type Milli = number;

const DECIMAL = /^(-)?(\d{1,12})(?:\.(\d{1,3}))?$/;

/**
 * Parses a decimal credit amount ("6.5", "100", "-2.125") into milli-credits without floats.
 * @throws RangeError when the text is not a decimal with at most three fraction digits.
 */
export function parseCredits(text: string | number): Milli {
  const match = DECIMAL.exec(String(text).trim());
  if (!match) throw new RangeError(`"${text}" is not a credit amount (a decimal with at most 3 fraction digits)`);
  const [, minus, whole, fraction = ''] = match;
  const milli = Number(whole) * MILLI_PER_CREDIT + Number(fraction.padEnd(3, '0'));
  return minus ? -milli : milli;
}

/** Formats milli-credits as the shortest exact decimal ("6.5", "100", "0.125"). */
export function formatCredits(milli: Milli): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / MILLI_PER_CREDIT);
  const fraction = String(abs % MILLI_PER_CREDIT).padStart(3, '0').replace(/0+$/, '');
  return sign + whole + (fraction ? `.${fraction}` : '');
}

/** Credits as a JSON number, for Stability's `{"credits": 12.5}`; exact for 3 fraction digits. */
export function creditsNumber(milli: Milli): number {
  return Number(formatCredits(milli));
}
