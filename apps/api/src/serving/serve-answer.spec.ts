import { loadConfig, testEnv } from '@loupe/server-core';
import type { ServeBody } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { verifyEvent } from '../tracking/signed-event';
import { ServeService, type Placed } from './serve.service';
import { answerMembers, type IndexedAd, type IndexedAdGroup } from './serving-index';

/** The answer's text is made by concatenation (ServeService.serveJson): it must be exactly what JSON.stringify says. */
describe('the serve answer as JSON text', () => {
  function service(publicUrl: string): ServeService {
    const config = loadConfig(testEnv({ PUBLIC_URL: publicUrl }));
    // answer and answerJson read nothing but the config.
    return new ServeService(null as never, null as never, null as never, null as never, null as never, () => 0.5, config);
  }

  function placed(ad: Partial<IndexedAd>, group: Partial<IndexedAdGroup>, priceMicros: number): Placed {
    const fullAd: IndexedAd = { adId: '11', pinId: '12', title: 'Sofa', description: null, imageUrl: 'https://cdn.example.com/a.jpg', link: null, answerMembers: '', answerMembersExtraBytes: 0, ...ad };
    const g = { adGroupId: '21', campaignId: '31', adAccountId: '41', currency: 'USD', billableEvent: 'IMPRESSION', rule: { interests: new Set(['home']) }, ...group } as IndexedAdGroup;
    fullAd.answerMembers = answerMembers(fullAd, g.adGroupId, g.campaignId, g.adAccountId, g.billableEvent);
    fullAd.answerMembersExtraBytes = Buffer.byteLength(fullAd.answerMembers) - fullAd.answerMembers.length;
    g.currencyJson = JSON.stringify(g.currency);
    return { group: g, ad: fullAd, day: '2026-01-01', priceMicros };
  }

  const body: ServeBody = { placement: 'BROWSE', slots: 3, user: { id: 'user "1"', interests: ['home'], location: 'US-CA', device: 'iphone' } };
  const ads = [
    placed({}, {}, 6_010),
    placed({ title: 'Canapé "lin" \\ 🛋️', description: 'line\nbreak \u2028 <tag>', link: 'https://shop.example.com/?q=a&b="c"' }, { adGroupId: '22', currency: 'EUR', billableEvent: 'CLICKTHROUGH' }, 510_000),
    placed({ adId: '13', title: null, imageUrl: 'https://cdn.example.com/é.jpg' }, { rule: {} }, 2_000),
  ];

  for (const publicUrl of ['http://127.0.0.1:3000', 'https://ads.example.com/ü/"x"']) {
    it(`parses to the answer object, with the signed URLs and the UTF-8 length (PUBLIC_URL ${publicUrl})`, () => {
      const s = service(publicUrl);
      const config = loadConfig(testEnv({ PUBLIC_URL: publicUrl }));
      for (const n of [0, 1, 3]) {
        const text = s.answerJson(ads.slice(0, n), 'auction-1', body, 1_800_000_000);
        const object = s.answer(ads.slice(0, n), 'auction-1', body, 1_800_000_000);
        expect(text.json).toBe(JSON.stringify(object));
        expect(text.bytes).toBe(Buffer.byteLength(text.json));
        for (const ad of object.ads) {
          const token = ad.impression_url.slice(`${publicUrl}/t/i/`.length);
          expect(ad.click_url).toBe(`${publicUrl}/t/c/${token}`);
          const verified = verifyEvent(token, config.tracking.secret, 1_800_000_000, config.tracking.ttlSeconds);
          expect(verified.ok && verified.event).toMatchObject({ auctionId: 'auction-1', slot: ad.slot, adId: ad.ad_id, priceMicros: ad.price_micro_currency, userKey: 'user "1"' });
        }
      }
    });
  }
});
