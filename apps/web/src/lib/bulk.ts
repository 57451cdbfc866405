import { type BulkItem } from '@loupe/contracts';
import { ApiError } from './apiErrors';

/**
 * The data of the one item of a bulk create/update, or its exception as an ApiError
 * (the API answers 200 with per-item exceptions; a failed item has no data).
 */
export function singleBulkItem<T>(response: { items: BulkItem<T>[] }): T {
  const [item] = response.items;
  const exception = item?.exceptions[0];
  if (exception) throw new ApiError(400, exception.code, exception.message);
  if (!item?.data) throw new ApiError(500, null, 'The API answered without the changed object.');
  return item.data;
}

export interface BulkOutcome<T> {
  succeeded: T[];
  failed: { index: number; message: string }[];
}

/** Splits a bulk answer into what worked and what did not, by input position. */
export function bulkOutcome<T>(response: { items: BulkItem<T>[] }): BulkOutcome<T> {
  const outcome: BulkOutcome<T> = { succeeded: [], failed: [] };
  response.items.forEach((item, index) => {
    if (item.data && item.exceptions.length === 0) outcome.succeeded.push(item.data);
    else outcome.failed.push({ index, message: item.exceptions.map((e) => e.message).join(' ') || 'Failed.' });
  });
  return outcome;
}
