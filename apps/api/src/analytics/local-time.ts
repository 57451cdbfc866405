// Shared with the worker (async reports): one definition of an account's local days.
export { addDays, daysBetween, floorToHour, startOfLocalDay, timezoneOffsetMs } from '@loupe/server-core';
