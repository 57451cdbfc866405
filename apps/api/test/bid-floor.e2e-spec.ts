import { reservePrice, RESERVE_CURRENCIES } from '@loupe/auction';
import { CURRENCIES } from '@loupe/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectPinterest } from './support/pinterest-schema';
import { signUp, useTestApp, type TestUser } from './support/test-app';

describe('POST /v5/ad_accounts/{ad_account_id}/bid_floor', () => {
  const api = useTestApp();
  let usd: TestUser;
  let eur: TestUser;
  const floors = (user: TestUser, body: unknown) =>
    api.http().post(`/v5/ad_accounts/${user.adAccountId}/bid_floor`).set('Authorization', user.auth).send(body as object);

  beforeAll(async () => {
    usd = await signUp(api.app, { currency: 'USD' });
    eur = await signUp(api.app, { currency: 'EUR', country: 'DE', timezone: 'Europe/Berlin' });
  });

  it('answers one floor per spec, in order, equal to the reserve price the auction enforces', async () => {
    const specs = [
      { billable_event: 'IMPRESSION', currency: 'USD', placement_group: 'SEARCH' },
      { billable_event: 'CLICKTHROUGH', currency: 'USD', placement_group: 'BROWSE' },
      { billable_event: 'IMPRESSION', currency: 'USD', placement_group: 'OTHER' },
    ] as const;
    const res = await floors(usd, { bid_floor_specs: specs }).expect(200);
    expectPinterest('BidFloor', res.body);
    expect(res.body).toEqual({
      type: 'bidfloor',
      bid_floors: specs.map((s) => reservePrice({ placement: s.placement_group, billableEvent: s.billable_event, currency: s.currency })),
    });
    expect(res.body.bid_floors).toEqual([3_000_000, 100_000, 1_500_000]);
  });

  it("defaults the currency to the ad account's and the placement to ALL (the lowest placement floor)", async () => {
    const res = await floors(eur, { bid_floor_specs: [{ billable_event: 'CLICKTHROUGH' }, { billable_event: 'IMPRESSION' }] }).expect(200);
    expectPinterest('BidFloor', res.body);
    expect(res.body.bid_floors).toEqual([
      reservePrice({ placement: 'ALL', billableEvent: 'CLICKTHROUGH', currency: 'EUR' }),
      reservePrice({ placement: 'ALL', billableEvent: 'IMPRESSION', currency: 'EUR' }),
    ]);
    // 0.08 USD × 0.92 = 0.0736 EUR → rounded up to 0.08 EUR; 1.50 USD × 0.92 = 1.38 EUR.
    expect(res.body.bid_floors).toEqual([80_000, 1_380_000]);
  });

  it('prices a spec in the currency it names, in whole units for currencies without a minor unit', async () => {
    const res = await floors(usd, { bid_floor_specs: [{ billable_event: 'CLICKTHROUGH', currency: 'JPY', placement_group: 'SEARCH' }] }).expect(200);
    expectPinterest('BidFloor', res.body);
    expect(res.body.bid_floors).toEqual([23_000_000]); // 0.15 USD × 150 = 22.5 JPY → 23 JPY
    expect(res.body.bid_floors[0] % 1_000_000).toBe(0);
  });

  it('accepts Pinterest-only fields (countries, creative_type, objective_type, optimization goals)', async () => {
    const res = await floors(usd, {
      bid_floor_specs: [
        {
          billable_event: 'CLICKTHROUGH',
          currency: 'USD',
          countries: ['US', 'CA'],
          creative_type: 'REGULAR',
          objective_type: 'CONSIDERATION',
          optimization_goal_metadata: { frequency_goal_metadata: { timerange: 'DAY', frequency: 5 } },
        },
      ],
    }).expect(200);
    expectPinterest('BidFloor', res.body);
  });

  it('has a floor for every currency an ad account can have', () => {
    expect(Object.keys(RESERVE_CURRENCIES).sort()).toEqual([...CURRENCIES].sort());
  });

  it.each([
    [{ bid_floor_specs: [{ billable_event: 'VIDEO_V_50_MRC', currency: 'USD' }] }, 'bid_floor_specs.0.billable_event'],
    [{ bid_floor_specs: [{ billable_event: 'IMPRESSION', currency: 'XYZ' }] }, 'bid_floor_specs.0.currency'],
    [{ bid_floor_specs: [{ billable_event: 'IMPRESSION', placement_group: 'FEED' }] }, 'bid_floor_specs.0.placement_group'],
    [{ bid_floor_specs: [{ billable_event: 'IMPRESSION', bid: 1 }] }, 'bid'],
    [{ bid_floor_specs: [] }, 'bid_floor_specs'],
    [{}, 'bid_floor_specs'],
    [{ bid_floor_specs: [{ billable_event: 'IMPRESSION' }], extra: true }, 'extra'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const res = await floors(usd, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(1);
    expect(res.body.message).toContain(field);
  });

  it('lets ANALYST read floors but not FINANCE_MANAGER (campaigns:read)', async () => {
    const analyst = await signUp(api.app);
    const finance = await signUp(api.app);
    for (const [user, role] of [
      [analyst, 'ANALYST'],
      [finance, 'FINANCE_MANAGER'],
    ] as const) {
      await api.http()
        .post(`/v5/ad_accounts/${usd.adAccountId}/members`)
        .set('Authorization', usd.auth)
        .send({ email: user.email, role })
        .expect(201);
    }
    const body = { bid_floor_specs: [{ billable_event: 'IMPRESSION' }] };
    const ok = await api.http().post(`/v5/ad_accounts/${usd.adAccountId}/bid_floor`).set('Authorization', analyst.auth).send(body).expect(200);
    expectPinterest('BidFloor', ok.body);
    const denied = await api.http().post(`/v5/ad_accounts/${usd.adAccountId}/bid_floor`).set('Authorization', finance.auth).send(body);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(3);
  });

  it("answers 404 for another user's ad account and 401 without a token", async () => {
    const body = { bid_floor_specs: [{ billable_event: 'IMPRESSION' }] };
    const other = await api.http().post(`/v5/ad_accounts/${eur.adAccountId}/bid_floor`).set('Authorization', usd.auth).send(body);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe(4);
    const anonymous = await api.http().post(`/v5/ad_accounts/${usd.adAccountId}/bid_floor`).send(body);
    expect(anonymous.status).toBe(401);
  });
});
