import { AD_REJECTED_REASONS } from '@loupe/contracts';
import { describe, expect, it } from 'vitest';
import { PROHIBITED_TERMS, reviewAd, type ReviewSubject } from './ad-review';

const clean: ReviewSubject = {
  destinationUrl: null,
  pin: {
    title: 'Linen sofa',
    description: 'A sofa for slow Sundays',
    alt_text: 'A beige sofa',
    link: 'https://shop.example.com/sofa',
    image_url: 'https://cdn.example.com/sofa.jpg',
  },
};
const withPin = (pin: Partial<ReviewSubject['pin']>, destinationUrl: string | null = null): ReviewSubject => ({
  destinationUrl,
  pin: { ...clean.pin, ...pin },
});

describe("Loupe's automatic ad policy check", () => {
  it('approves a titled https image pin with an http(s) destination', () => {
    expect(reviewAd(clean)).toEqual({ review_status: 'APPROVED', rejected_reasons: [], rejection_labels: [] });
  });

  it("uses the ad's destination_url before the pin's link", () => {
    expect(reviewAd(withPin({ link: null }, 'http://shop.example.com/x')).review_status).toBe('APPROVED');
  });

  it('rejects an ad without any destination for LANDING_PAGE', () => {
    const verdict = reviewAd(withPin({ link: null }));
    expect(verdict.review_status).toBe('REJECTED');
    expect(verdict.rejected_reasons).toEqual(['LANDING_PAGE']);
    expect(verdict.rejection_labels[0]).toContain('destination_url');
  });

  it('rejects a destination that is not http(s) for LANDING_PAGE', () => {
    expect(reviewAd(withPin({ link: 'ftp://example.com/file' })).rejected_reasons).toEqual(['LANDING_PAGE']);
  });

  it('rejects an image served over plain http for IMAGE', () => {
    expect(reviewAd(withPin({ image_url: 'http://cdn.example.com/sofa.jpg' })).rejected_reasons).toEqual(['IMAGE']);
  });

  it('rejects a pin without a title for NO_DESCRIPTION', () => {
    expect(reviewAd(withPin({ title: null })).rejected_reasons).toEqual(['NO_DESCRIPTION']);
    expect(reviewAd(withPin({ title: '   ' })).rejected_reasons).toEqual(['NO_DESCRIPTION']);
  });

  it('rejects prohibited terms in title, description or alt text, naming the term and the field', () => {
    const verdict = reviewAd(withPin({ title: 'Best VAPE pens', description: 'Lose weight fast with this' }));
    expect(verdict.rejected_reasons).toEqual(['PROHIBITED_PRODUCT', 'WEIGHT_LOSS']);
    expect(verdict.rejection_labels).toEqual([
      expect.stringContaining('title contains "vape"'),
      expect.stringContaining('description contains "lose weight fast"'),
    ]);
    expect(reviewAd(withPin({ alt_text: 'a firearm on a table' })).rejected_reasons).toEqual(['WEAPONS']);
  });

  it('matches whole words only, so innocent words containing a term pass', () => {
    expect(reviewAd(withPin({ title: 'Evaporated milk', description: 'For vapers? No: cigarettes-free kitchens' })).rejected_reasons).toEqual([
      'PROHIBITED_PRODUCT',
    ]);
    expect(reviewAd(withPin({ title: 'Evaporated milk', description: 'Grandma’s recipe' })).review_status).toBe('APPROVED');
  });

  it('reports every failed rule at once, each reason once', () => {
    const verdict = reviewAd(withPin({ title: null, link: null, image_url: 'http://x.example/a.jpg', description: 'cocaine and heroin' }));
    expect(verdict.rejected_reasons).toEqual(['LANDING_PAGE', 'IMAGE', 'NO_DESCRIPTION', 'ILLEGAL_RECREATIONAL_DRUG']);
    expect(verdict.rejection_labels).toHaveLength(5);
  });

  it("reports only reasons from Pinterest's rejected_reasons enum", () => {
    for (const reason of Object.keys(PROHIBITED_TERMS)) expect(AD_REJECTED_REASONS).toContain(reason);
  });
});
