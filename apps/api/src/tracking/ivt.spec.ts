import { describe, expect, it } from 'vitest';
import { BOT_PATTERN_COUNT, MIN_HUMAN_CLICK_DELAY_MS, clickTimingIvt, userAgentIvt } from './ivt';

describe('invalid traffic rules', () => {
  it('ships a bot list', () => {
    expect(BOT_PATTERN_COUNT).toBeGreaterThan(40);
  });

  it.each([
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0)',
    'python-requests/2.32.3',
    'curl/8.5.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36',
  ])('flags the known bot %s', (ua) => {
    expect(userAgentIvt(ua)).toBe('KNOWN_BOT');
  });

  it.each([
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Pinterest for Android/12.40.0 (SM-S918B; 14)',
    'Mozilla/5.0 (Linux; Android 13; CUBOT KINGKONG 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  ])('lets the browser or app %s through', (ua) => {
    expect(userAgentIvt(ua)).toBeNull();
  });

  it('gives an agent seen before the same verdict (remembered), across more distinct agents than it remembers', () => {
    const bot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
    const browser = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
    for (let round = 0; round < 2; round++) {
      expect(userAgentIvt(bot)).toBe('KNOWN_BOT');
      expect(userAgentIvt(browser)).toBeNull();
      expect(userAgentIvt(' ')).toBe('NO_USER_AGENT');
      for (let i = 0; i < 12_000; i++) expect(userAgentIvt(`${i % 2 ? 'curl' : 'Mozilla'}/${i}`)).toBe(i % 2 ? 'KNOWN_BOT' : null);
    }
  });

  it('flags a missing user agent', () => {
    expect(userAgentIvt(undefined)).toBe('NO_USER_AGENT');
    expect(userAgentIvt('  ')).toBe('NO_USER_AGENT');
  });

  it('flags clicks without an impression or faster than a human', () => {
    expect(clickTimingIvt(null, 1_000)).toBe('CLICK_WITHOUT_IMPRESSION');
    expect(clickTimingIvt(1_000, 1_000 + MIN_HUMAN_CLICK_DELAY_MS - 1)).toBe('CLICK_TOO_FAST');
    expect(clickTimingIvt(1_000, 1_000 + 5_000)).toBeNull();
  });
});
