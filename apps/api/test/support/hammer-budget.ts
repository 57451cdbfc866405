/**
 * Child process for the budget concurrency test: hammers one ad group's budget with
 * reserve (CPM) or click charges (CPC) and prints what it was granted as JSON.
 */
import { Redis } from 'ioredis';
import { BudgetStore, type SpendLimits, type SpendScope } from '../../src/serving/budget-store';

async function main(): Promise<void> {
  const { redisUrl, prefix, scope, limits, mode, attempts, priceMicros, maxBidMicros } = JSON.parse(process.argv[2]!) as {
    redisUrl: string;
    prefix: string;
    scope: SpendScope;
    limits: SpendLimits;
    mode: 'impression' | 'click';
    attempts: number;
    priceMicros: number;
    maxBidMicros: number;
  };
  const redis = new Redis(redisUrl);
  const store = new BudgetStore(redis, prefix);
  let granted = 0;
  let grantedMicros = 0;
  const batch = 50;
  for (let done = 0; done < attempts; done += batch) {
    const results = await Promise.all(
      Array.from({ length: Math.min(batch, attempts - done) }, (_, i) => {
        const price = priceMicros + ((done + i) % 7) * 1_000;
        return (mode === 'impression'
          ? store.reserveImpression(scope, limits, price)
          : store.chargeClick(scope, limits, price, maxBidMicros)
        ).then((r) => (r.ok ? price : 0));
      }),
    );
    for (const price of results) {
      if (price === 0) continue;
      granted++;
      grantedMicros += price;
    }
  }
  await redis.quit();
  process.stdout.write(JSON.stringify({ granted, grantedMicros }));
}

main().catch((err: unknown) => {
  process.stderr.write(String(err));
  process.exit(1);
});
