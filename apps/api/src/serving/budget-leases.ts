import { randomUUID } from 'node:crypto';
import type { BudgetStore, SpendLimits, SpendScope, WinnerAdmission } from './budget-store';

/**
 * Budget leases and budget views: what lets most serve requests admit their winners
 * without a Redis round trip (docs/serving.md "Budget leases").
 *
 * - **Lease** (IMPRESSION billing, ad groups without frequency caps): when a winner's
 *   charge goes to Redis, the same atomic script may grant this process a slice of the
 *   budget on top of it (`WinnerCommit.leaseMicros`), charged to the four counters with
 *   the price. Later winners of that ad group on that day are charged against the slice
 *   here, in memory. Every grant was checked against the limits in the script, whose
 *   counters hold every charge and every outstanding lease of every process, so what
 *   all processes charge never passes a limit. A lease is spent only under the limits it
 *   was granted under (a budget edit, a new LIFETIME allowance or a new day sends the
 *   next winner to Redis and the lease back), and what is left of it is given back
 *   (`BudgetStore.refund`) once it has not been used for `LEASE_IDLE_MS`, and at shutdown.
 *   A lease with less than half of its last grant left is topped up in the background
 *   (`leaseToTopUp`: the same script, nothing charged), so winners of an ad group that
 *   keeps winning do not wait for Redis when it runs out.
 * - **View** (CLICKTHROUGH billing, no caps): serving a CPC ad only asks whether one more
 *   maximum-bid click fits (the click is charged by tracking, `chargeClick`, which alone
 *   keeps spend within budget + one max bid). The script answers the room left under the
 *   limits; for `VIEW_TTL_MS` after, this process answers that question from it. A view
 *   still in use after `VIEW_REFRESH_AFTER_MS` is re-read in the background (refresh
 *   ahead), so an ad group that keeps winning keeps a fresh view.
 *
 * Not here: frequency-capped ad groups. Their caps are counted per user in Redis, in the
 * script, so their winners go there every time (and are charged there directly).
 */

/** A lease asks for this many impressions at the ad group's maximum bid. */
export const LEASE_MAX_BIDS = 100;
/** A lease not charged against for this long goes back to Redis. */
export const LEASE_IDLE_MS = 2_000;
/** A give-back is done at most once per lease within this long (its retries included). */
const GIVE_BACK_ONCE_SECONDS = 3 * 24 * 3600;
/** A view of an ad group's room answers CPC admissions for this long. */
export const VIEW_TTL_MS = 1_000;
/**
 * A view this old that is still used starts one background re-read of the room (refresh
 * ahead): an ad group that keeps winning gets a fresh view before its view expires, so
 * its winners never wait for Redis.
 */
export const VIEW_REFRESH_AFTER_MS = 750;

interface Lease {
  /** Names its give-back, so a retry after a lost answer gives back nothing twice. */
  id: string;
  scope: SpendScope;
  limits: SpendLimits;
  leftMicros: number;
  usedAtMs: number;
  /** The last grant added to it: a top-up is asked for once less than half of that is left. */
  grantedMicros: number;
  /** A top-up is on its way (`leaseToTopUp`). */
  toppingUp: boolean;
}

interface View {
  day: string;
  limits: SpendLimits;
  /** null: no spend limit applies. */
  roomMicros: number | null;
  atMs: number;
  /** A background re-read of the room is on its way (`viewToRefresh`). */
  refreshing: boolean;
}

const sameLimits = (a: SpendLimits, b: SpendLimits): boolean =>
  a.adGroupDaily === b.adGroupDaily && a.adGroupLifetime === b.adGroupLifetime && a.campaignDaily === b.campaignDaily && a.campaignLifetime === b.campaignLifetime;

export class BudgetLeases {
  /** By ad group id: at most one lease per ad group (its current day and limits). */
  private readonly leases = new Map<string, Lease>();
  private readonly views = new Map<string, View>();
  /** Leases taken out of the map whose give-back to Redis has not succeeded yet. */
  private returning: Lease[] = [];

  constructor(private readonly store: BudgetStore) {}

  /**
   * Charges an IMPRESSION winner's price to this process's lease of its ad group, if the
   * lease is for this day and these limits and still holds the price. False: ask Redis.
   */
  charge(scope: SpendScope, limits: SpendLimits, priceMicros: number, nowMs: number): boolean {
    const lease = this.leases.get(scope.adGroupId);
    if (lease === undefined) return false;
    if (lease.scope.day !== scope.day || lease.scope.campaignId !== scope.campaignId || !sameLimits(lease.limits, limits)) {
      this.leases.delete(scope.adGroupId);
      this.returning.push(lease);
      return false;
    }
    if (lease.leftMicros < priceMicros) return false;
    lease.leftMicros -= priceMicros;
    lease.usedAtMs = nowMs;
    return true;
  }

  /**
   * Whether an IMPRESSION winner just charged to the ad group's lease should ask for a
   * top-up in the background: less than half of the lease's last grant is left and no
   * top-up is on its way (the lease is marked until `admitted` answers it, with
   * `topUp`, or `topUpFailed`). A top-up that was granted nothing leaves the lease to run
   * out; its next winner then asks Redis on the request path, as without top-ups.
   */
  leaseToTopUp(adGroupId: string): boolean {
    const lease = this.leases.get(adGroupId);
    if (lease === undefined || lease.toppingUp || lease.leftMicros * 2 >= lease.grantedMicros) return false;
    lease.toppingUp = true;
    return true;
  }

  /** A top-up failed (Redis): a later winner may ask again. What it may have granted stays reserved (under-delivery). */
  topUpFailed(adGroupId: string): void {
    const lease = this.leases.get(adGroupId);
    if (lease) lease.toppingUp = false;
  }

  /**
   * Takes what is left of the ad group's lease (too little for a price) out of this process,
   * to be given back in the script that admits the winner (`WinnerCommit.returnMicros`):
   * a remainder held here while others are refused would be budget nobody can spend.
   */
  release(adGroupId: string): number {
    const lease = this.leases.get(adGroupId);
    if (lease === undefined) return 0;
    this.leases.delete(adGroupId);
    return lease.leftMicros;
  }

  /** A CPC winner: true when a fresh view says one more maximum-bid click fits; false: ask Redis. */
  hasRoomForClick(scope: SpendScope, limits: SpendLimits, maxBidMicros: number, nowMs: number): boolean {
    const view = this.views.get(scope.adGroupId);
    if (view === undefined || nowMs - view.atMs >= VIEW_TTL_MS || view.day !== scope.day || !sameLimits(view.limits, limits)) return false;
    return view.roomMicros === null || view.roomMicros >= maxBidMicros;
  }

  /**
   * Whether a CPC winner just admitted from its view should re-read the room in the
   * background: the view is at least `VIEW_REFRESH_AFTER_MS` old and no re-read is on its
   * way (the view is marked until `admitted` replaces it or `refreshFailed`).
   */
  viewToRefresh(adGroupId: string, nowMs: number): boolean {
    const view = this.views.get(adGroupId);
    if (view === undefined || view.refreshing || nowMs - view.atMs < VIEW_REFRESH_AFTER_MS) return false;
    view.refreshing = true;
    return true;
  }

  /** A background re-read failed: a later winner may start another. */
  refreshFailed(adGroupId: string): void {
    const view = this.views.get(adGroupId);
    if (view) view.refreshing = false;
  }

  /**
   * What the script answered for a winner sent to Redis (or a view's re-read, as of when it
   * was sent): a lease granted joins this process's lease, the room becomes the view.
   */
  admitted(scope: SpendScope, limits: SpendLimits, admission: WinnerAdmission, nowMs: number, topUp = false): void {
    this.views.set(scope.adGroupId, { day: scope.day, limits, roomMicros: admission.roomMicros, atMs: nowMs, refreshing: false });
    const lease = this.leases.get(scope.adGroupId);
    const same = lease !== undefined && lease.scope.day === scope.day && lease.scope.campaignId === scope.campaignId && sameLimits(lease.limits, limits);
    if (lease && topUp) {
      lease.toppingUp = false;
      // Granted nothing: no further top-up of this lease (see `leaseToTopUp`).
      if (same) lease.grantedMicros = admission.leaseMicros;
    }
    if (admission.leaseMicros <= 0) return;
    if (same) {
      lease.leftMicros += admission.leaseMicros;
      lease.grantedMicros = admission.leaseMicros;
      lease.usedAtMs = nowMs;
      return;
    }
    if (lease) this.returning.push(lease);
    this.leases.set(scope.adGroupId, { id: randomUUID(), scope, limits, leftMicros: admission.leaseMicros, usedAtMs: nowMs, grantedMicros: admission.leaseMicros, toppingUp: false });
  }

  /** The unspent micros this process holds for an ad group today (tests, diagnostics). */
  held(adGroupId: string): number {
    return this.leases.get(adGroupId)?.leftMicros ?? 0;
  }

  /**
   * Gives back to Redis what is left of every lease unused since `LEASE_IDLE_MS` (all of
   * them with `all`, at shutdown). A give-back that fails is tried again at the next call:
   * until then those micros stay reserved (under-delivery, never overspend); each lease's
   * give-back is done at most once (`BudgetStore.refund` with an id), so one whose answer
   * was lost after it ran is not done again.
   */
  async giveBack(nowMs: number, all = false): Promise<void> {
    for (const [adGroupId, lease] of this.leases) {
      if (all || nowMs - lease.usedAtMs >= LEASE_IDLE_MS) {
        this.leases.delete(adGroupId);
        this.returning.push(lease);
      }
    }
    for (const [adGroupId, view] of this.views) {
      if (nowMs - view.atMs >= VIEW_TTL_MS) this.views.delete(adGroupId);
    }
    const returning = this.returning;
    if (returning.length === 0) return;
    this.returning = [];
    const failed: Lease[] = [];
    let error: unknown = null;
    await Promise.all(
      returning.map((lease) =>
        lease.leftMicros === 0
          ? undefined
          : this.store.refund(lease.scope, lease.leftMicros, { id: `lease:${lease.id}`, ttlSeconds: GIVE_BACK_ONCE_SECONDS }).catch((err: unknown) => {
              failed.push(lease);
              error = err;
            }),
      ),
    );
    if (failed.length > 0) {
      this.returning.push(...failed);
      throw error;
    }
  }
}
