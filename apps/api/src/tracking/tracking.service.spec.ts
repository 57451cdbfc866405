import { describe, expect, it } from 'vitest';
import { withEpik } from './tracking.service';

describe('withEpik: the click id appended to the landing URL, as Pinterest does', () => {
  it.each([
    ['https://shop.example.com/lamp', 'https://shop.example.com/lamp?epik=c%3Aa1%3A0'],
    ['https://shop.example.com/lamp?utm_source=pinterest', 'https://shop.example.com/lamp?utm_source=pinterest&epik=c%3Aa1%3A0'],
    ['https://shop.example.com/lamp?x=1#reviews', 'https://shop.example.com/lamp?x=1&epik=c%3Aa1%3A0#reviews'],
    ['https://shop.example.com/lamp?epik=stale', 'https://shop.example.com/lamp?epik=c%3Aa1%3A0'],
  ])('%s → %s', (destination, expected) => {
    expect(withEpik(destination, 'c:a1:0')).toBe(expected);
    expect(new URL(withEpik(destination, 'c:a1:0')).searchParams.get('epik')).toBe('c:a1:0');
  });

  it('still appends to a destination the URL parser refuses', () => {
    expect(withEpik('shop.example.com/lamp', 'c:a1:0')).toBe('shop.example.com/lamp?epik=c%3Aa1%3A0');
    expect(withEpik('shop.example.com/lamp?x=1#top', 'c:a1:0')).toBe('shop.example.com/lamp?x=1&epik=c%3Aa1%3A0#top');
  });
});
