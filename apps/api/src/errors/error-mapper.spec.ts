import { BadRequestException, NotFoundException as NestNotFound } from '@nestjs/common';
import { ErrorCode } from '@loupe/contracts';
import { DomainException, InvalidParametersException, NotFoundException } from '@loupe/server-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mapError } from './error-mapper';

describe('mapError', () => {
  it('maps a domain exception to its code, status and message', () => {
    expect(mapError(new NotFoundException('Campaign not found.'), 'c1')).toMatchObject({
      status: 404,
      body: { code: ErrorCode.NotFound, message: 'Campaign not found.' },
      unexpected: false,
    });
    expect(mapError(new InvalidParametersException('bad'), 'c1').status).toBe(400);
  });

  it('passes domain headers such as Retry-After through', () => {
    const err = new DomainException(ErrorCode.RateLimited, 'slow down', { 'retry-after': '3' });
    expect(mapError(err, 'c1')).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
  });

  it('names the offending field of a zod error', () => {
    const result = z.object({ budget: z.number().positive() }).safeParse({ budget: -1 });
    const mapped = mapError(result.error, 'c1');
    expect(mapped.status).toBe(400);
    expect(mapped.body.message).toContain('budget');
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(mapError(new NestNotFound('Cannot GET /nope'), 'c1').body).toEqual({ code: ErrorCode.NotFound, message: 'Cannot GET /nope' });
    expect(mapError(new BadRequestException(['a', 'b']), 'c1').body.message).toBe('a; b');
  });

  it('maps Fastify body errors to clear 4xx messages', () => {
    const err = Object.assign(new Error('raw'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
    expect(mapError(err, 'c1')).toMatchObject({ status: 400, body: { code: ErrorCode.InvalidParameters } });
    const big = Object.assign(new Error('raw'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(mapError(big, 'c1')).toMatchObject({ status: 413, body: { code: ErrorCode.PayloadTooLarge } });
  });

  it('hides unknown errors behind a 500 that carries only the correlation id', () => {
    const mapped = mapError(new TypeError('secret internals at /srv/x.ts:12'), 'req-42');
    expect(mapped).toMatchObject({ status: 500, unexpected: true });
    expect(mapped.body.message).toBe('Internal error. Reference: req-42');
    expect(JSON.stringify(mapped.body)).not.toContain('secret');
  });
});
