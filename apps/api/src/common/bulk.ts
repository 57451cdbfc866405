import { ErrorCode, type BulkItem } from '@loupe/contracts';
import { DomainException } from '@loupe/server-core';
import type { ZodError, z } from 'zod';

/** The first problem of a zod error as one readable sentence naming the field. */
export function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid parameters.';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `Invalid parameters. ${where}${issue.message}`;
}

/**
 * Pinterest's bulk semantics: each item is validated and applied on its own (its own
 * transaction inside `apply`), and answers `{data, exceptions}` in input order, so
 * one bad item never sinks the others. Unexpected errors still propagate (500).
 */
export async function runBulk<S extends z.ZodType, R>(
  items: unknown[],
  schema: S,
  apply: (item: z.infer<S>, index: number) => Promise<R>,
): Promise<{ items: BulkItem<R>[] }> {
  const results: BulkItem<R>[] = [];
  for (const [index, raw] of items.entries()) {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      results.push({ exceptions: [{ code: ErrorCode.InvalidParameters, message: describeZodError(parsed.error) }] });
      continue;
    }
    try {
      results.push({ data: await apply(parsed.data, index), exceptions: [] });
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      results.push({ exceptions: [{ code: err.code, message: err.message }] });
    }
  }
  return { items: results };
}
