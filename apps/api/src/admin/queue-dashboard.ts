import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { ErrorCode } from '@loupe/contracts';
import { LOUPE_CONFIG, type LoupeConfig } from '@loupe/server-core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminQueues } from './admin-queues';

export const QUEUE_DASHBOARD_PATH = '/internal/queues';

/**
 * bull-board at /internal/queues for operators: every queue's jobs, retries, failures and
 * dead letters. It is a Fastify plugin outside Nest's router (so outside the @Route
 * guard), protected by HTTP basic auth whose password is the service key (SERVICE_KEY);
 * any user name is accepted. See docs/operations.md.
 */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: AdminQueues,
    @Inject(LOUPE_CONFIG) private readonly config: LoupeConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const board = new BullBoardFastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: this.queues.all.map((queue) => new BullMQAdapter(queue)),
      // @bull-board/fastify pins its own patch release of @bull-board/api; the interface is the same.
      serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'Loupe queues' } },
    });
    const expected = digest(this.config.serving.serviceKey);
    // Registered lazily: Fastify loads it at ready(), after Nest has added its routes.
    void fastify.register(async (scope) => {
      // A hook of this encapsulated scope guards every route of the board, assets included.
      scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        if (!basicAuthPasswordMatches(request.headers.authorization, expected)) {
          await reply
            .code(401)
            .header('www-authenticate', 'Basic realm="Loupe queues", charset="UTF-8"')
            .header('cache-control', 'no-store')
            .send({ code: ErrorCode.AuthenticationFailed, message: 'Authentication failed: the queue dashboard needs HTTP basic auth with the service key as the password.' });
        }
      });
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares digests in constant time, so the key's length or prefix never leaks through timing. */
export function basicAuthPasswordMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  if (!header?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice('Basic '.length).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return timingSafeEqual(digest(decoded.slice(colon + 1)), expectedDigest);
}
