// Kept apart from ./api (which pulls in zod and the contracts) so the app shell can
// recognise API errors without putting the schema library in the first download.

/** The API answered with a status it does not use for data; `code` and `message` come from its `{ code, message }` body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status of the response. */
    readonly status: number,
    /** Loupe/Pinterest error code from the body, or null when the body was not an error body (a proxy's page, say). */
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** The request never got an answer: the API is unreachable or the connection dropped. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The API answered, but not with the shape the contract promises (usually a web app and API from different versions). */
export class InvalidResponseError extends Error {
  override readonly name = 'InvalidResponseError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A sentence for a person, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return typeof error === 'string' && error ? error : 'Something went wrong.';
}
