import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-mapper';

/** Global filter: every error leaves as Pinterest's `{ code, message }`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const correlationId = String(request.id);
    const mapped = mapError(err, correlationId);
    if (mapped.unexpected) {
      this.logger.error({ err, correlationId, method: request.method, url: request.url }, 'Unhandled error');
    } else if (mapped.status >= 400) {
      this.logger.debug({ correlationId, status: mapped.status, message: mapped.body.message }, 'Request rejected');
    }
    void reply.status(mapped.status).headers(mapped.headers).send(mapped.body);
  }
}
