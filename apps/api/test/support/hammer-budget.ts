/**
 * Child process for the budget concurrency test: hammers one ad group's budget with
 * reserve (CPM), click charges (CPC) or, as the serve path does, IMPRESSION winners
 * admitted through budget leases ('lease': a price charged to this process's lease when
 * it holds it, else sent to Redis with a lease wished for), and prints what it was
 * granted as JSON. In 'lease' mode it gives its unspent leases back before it exits.
 */
import { Redis } from 'ioredis';
import { BudgetLeases, LEASE_MAX_BIDS } from '../../src/serving/budget-leases';
import { BudgetStore, type SpendLimits, type SpendScope } from '../../src/serving/budget-store';

async function main(): Promise<void> {
  const { redisUrl, prefix, scope, limits, mode, attempts, priceMicros, maxBidMicros } = JSON.parse(process.argv[2]!) as {
    redisUrl: string;
    prefix: string;
    scope: SpendScope;
    limits: SpendLimits;
    mode: 'impression' | 'click' | 'lease';
    attempts: number;
    priceMicros: number;
    maxBidMicros: number;
  };
  const redis = new Redis(redisUrl);
  const store = new BudgetStore(redis, prefix);
  const leases = new BudgetLeases(store);
  const throughRedis = async (price: number): Promise<boolean> => {
    const [admission] = await store.admitWinners([
      { scope, limits, billableEvent: 'IMPRESSION', micros: price, userKey: 'u', lifetimeFrequencyCap: null, dailyFrequencyCap: null, leaseMicros: LEASE_MAX_BIDS * maxBidMicros, returnMicros: leases.release(scope.adGroupId) },
    ]);
    leases.admitted(scope, limits, admission!, Date.now());
    return admission!.outcome === 'OK';
  };
  let granted = 0;
  let grantedMicros = 0;
  let local = 0;
  const batch = 50;
  for (let done = 0; done < attempts; done += batch) {
    const results = await Promise.all(
      Array.from({ length: Math.min(batch, attempts - done) }, (_, i) => {
        const price = priceMicros + ((done + i) % 7) * 1_000;
        if (mode === 'lease') {
          if (leases.charge(scope, limits, price, Date.now())) {
            local++;
            return Promise.resolve(price);
          }
          return throughRedis(price).then((ok) => (ok ? price : 0));
        }
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
  if (mode === 'lease') await leases.giveBack(Date.now(), true);
  await redis.quit();
  process.stdout.write(JSON.stringify({ granted, grantedMicros, local }));
}

main().catch((err: unknown) => {
  process.stderr.write(String(err));
  process.exit(1);
});
