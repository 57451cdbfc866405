import { ClickHouseError } from '@loupe/analytics';

/**
 * Server error codes that say "not now" rather than "not this data": the batch is kept
 * and retried with backoff. Any other server error is a rejection of the rows, and the
 * batch is bisected to find them. Codes are stable across versions (ErrorCodes.cpp).
 */
const TRANSIENT_CODES = new Set([
  60, // UNKNOWN_TABLE: migrations not run yet
  81, // UNKNOWN_DATABASE
  159, // TIMEOUT_EXCEEDED
  160, // TOO_SLOW
  164, // READONLY
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  225, // NO_ZOOKEEPER
  236, // ABORTED
  241, // MEMORY_LIMIT_EXCEEDED
  242, // TABLE_IS_READ_ONLY
  243, // NOT_ENOUGH_SPACE
  252, // TOO_MANY_PARTS
  319, // UNKNOWN_STATUS_OF_INSERT
  394, // QUERY_WAS_CANCELLED
  999, // KEEPER_EXCEPTION
]);

/** True when the error is ClickHouse being unreachable or overloaded, not the rows being bad. */
export function isTransientClickHouseFailure(error: unknown): boolean {
  if (!(error instanceof ClickHouseError)) return true; // not even a server answer: connectivity
  return error.code === null || TRANSIENT_CODES.has(error.code);
}
