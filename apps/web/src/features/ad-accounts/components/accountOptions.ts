import { COUNTRIES } from '@loupe/contracts';

/** Countries first in the list (the largest markets), then every other one Pinterest supports. */
const FIRST = ['US', 'GB', 'CA', 'AU', 'DE', 'FR', 'BR', 'MX', 'IN', 'JP'];
export const COMMON_COUNTRIES: readonly string[] = [...FIRST, ...COUNTRIES.filter((c) => !FIRST.includes(c))];

function supportedTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

export const TIMEZONES: readonly string[] = supportedTimeZones();

export function browserTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && TIMEZONES.includes(zone) ? zone : 'UTC';
}
