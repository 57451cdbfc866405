import { z } from 'zod';

/**
 * Error codes in the body of every error response, following the numbers the
 * Pinterest Ads API v5 uses where it has one (1 invalid parameters, 2 authentication
 * failed, 3 insufficient permissions, 8 rate limited). The HTTP status of each code
 * is fixed by `ERROR_HTTP_STATUS`.
 */
export enum ErrorCode {
  InvalidParameters = 1,
  AuthenticationFailed = 2,
  PermissionDenied = 3,
  NotFound = 4,
  MethodNotAllowed = 5,
  RateLimited = 8,
  Conflict = 9,
  PayloadTooLarge = 10,
  UnsupportedMediaType = 11,
  ServiceUnavailable = 503,
  Internal = 500,
}

export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.InvalidParameters]: 400,
  [ErrorCode.AuthenticationFailed]: 401,
  [ErrorCode.PermissionDenied]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.Internal]: 500,
};

/** Pinterest's `Error` component: `{ code, message }`. */
export const errorBodySchema = z.object({
  code: z.number().int(),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
