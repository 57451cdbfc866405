/*
 * Calendar quarters over local dates (YYYY-MM-DD already cut in the ad account's
 * timezone — the caller converts timestamps; this file only does calendar arithmetic).
 * QoQ compares a quarter with `previousQuarter`, YoY with `sameQuarterLastYear`.
 */

export interface Quarter {
  readonly year: number;
  readonly quarter: 1 | 2 | 3 | 4;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The quarter a local date falls in. */
export function quarterOf(localDate: string): Quarter {
  const match = LOCAL_DATE.exec(localDate);
  const month = match ? Number(match[2]) : NaN;
  if (!match || month < 1 || month > 12) throw new RangeError(`expected a date as YYYY-MM-DD, got ${JSON.stringify(localDate)}`);
  return { year: Number(match[1]), quarter: (Math.floor((month - 1) / 3) + 1) as Quarter['quarter'] };
}

/** "2026-Q3". */
export function quarterLabel(q: Quarter): string {
  return `${q.year}-Q${q.quarter}`;
}

/** The quarter's first local date and the first local date after it (half-open range). */
export function quarterRange(q: Quarter): { start: string; endExclusive: string } {
  const next = nextQuarter(q);
  return { start: firstDay(q), endExclusive: firstDay(next) };
}

export function previousQuarter(q: Quarter): Quarter {
  return q.quarter === 1 ? { year: q.year - 1, quarter: 4 } : { year: q.year, quarter: (q.quarter - 1) as Quarter['quarter'] };
}

export function nextQuarter(q: Quarter): Quarter {
  return q.quarter === 4 ? { year: q.year + 1, quarter: 1 } : { year: q.year, quarter: (q.quarter + 1) as Quarter['quarter'] };
}

export function sameQuarterLastYear(q: Quarter): Quarter {
  return { year: q.year - 1, quarter: q.quarter };
}

function firstDay(q: Quarter): string {
  return `${String(q.year).padStart(4, '0')}-${String((q.quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
}
