import { ErrorCode } from '@loupe/contracts';

/**
 * Base class of every error a domain throws on purpose. Services never throw HTTP
 * exceptions; the API's exception filter is the one place that maps `code` to an
 * HTTP status and Pinterest's `{ code, message }` body.
 */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra headers the HTTP layer should send (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidParametersException extends DomainException {
  constructor(message: string) {
    super(ErrorCode.InvalidParameters, message);
  }
}

export class NotFoundException extends DomainException {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
  }
}

export class AuthenticationFailedException extends DomainException {
  constructor(message = 'Authentication failed.') {
    super(ErrorCode.AuthenticationFailed, message);
  }
}

export class PermissionDeniedException extends DomainException {
  constructor(message = 'Your token does not have sufficient permissions to perform this operation.') {
    super(ErrorCode.PermissionDenied, message);
  }
}

export class ServiceUnavailableException extends DomainException {
  constructor(message: string) {
    super(ErrorCode.ServiceUnavailable, message);
  }
}
