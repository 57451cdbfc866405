import { HttpException } from '@nestjs/common';
import { ERROR_HTTP_STATUS, ErrorCode, type ErrorBody } from '@loupe/contracts';
import { DomainException } from '@loupe/server-core';
import { ZodError } from 'zod';
import { describeZodError } from '../common/bulk';

export interface MappedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** Unexpected errors are logged with their stack; expected ones are not. */
  unexpected: boolean;
}

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: ErrorCode.InvalidParameters,
  401: ErrorCode.AuthenticationFailed,
  403: ErrorCode.PermissionDenied,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

/** Messages for errors raised by Fastify before a route runs. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Invalid request: the body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: "Invalid request: the body is empty but Content-Type is 'application/json'.",
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type; send application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Invalid request: Content-Length does not match the body.',
};

/**
 * The one place that knows how an error becomes an HTTP response. Exhaustive over
 * the kinds of error the API can meet; anything unknown is a 500 whose message
 * carries only the correlation id (never a stack or internal detail).
 */
export function mapError(err: unknown, correlationId: string): MappedError {
  if (err instanceof DomainException) {
    return { status: ERROR_HTTP_STATUS[err.code], body: { code: err.code, message: err.message }, headers: err.headers, unexpected: false };
  }
  if (err instanceof ZodError) return expected(400, describeZodError(err));
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status >= 500) return internal(correlationId);
    return expected(status, httpExceptionMessage(err));
  }
  const fastify = fastifyError(err);
  if (fastify) {
    return expected(fastify.statusCode, FASTIFY_MESSAGES[fastify.code] ?? fastify.message);
  }
  return internal(correlationId);
}

function expected(status: number, message: string): MappedError {
  const code = STATUS_TO_CODE[status] ?? ErrorCode.InvalidParameters;
  return { status: ERROR_HTTP_STATUS[code] === status ? status : 400, body: { code, message }, headers: {}, unexpected: false };
}

function internal(correlationId: string): MappedError {
  return {
    status: 500,
    body: { code: ErrorCode.Internal, message: `Internal error. Reference: ${correlationId}` },
    headers: {},
    unexpected: true,
  };
}

function httpExceptionMessage(err: HttpException): string {
  const response = err.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : err.message;
}

function fastifyError(err: unknown): { code: string; statusCode: number; message: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, statusCode, message } = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return { code: typeof code === 'string' ? code : '', statusCode, message: typeof message === 'string' ? message : 'Invalid request.' };
}
