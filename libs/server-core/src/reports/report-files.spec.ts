import { describe, expect, it } from 'vitest';
import { reportFilePath, signReportFileToken, verifyReportFileToken } from './report-files';

const SECRET = 'a-test-secret-of-32-characters!!';
const TOKEN = '0f8fad5b-d9cb-469f-a165-70867728950e';
const NOW = 1_800_000_000;

describe('signed report file tokens', () => {
  it('round-trips the file it names until it expires, within one path segment Fastify accepts', () => {
    const signed = signReportFileToken(SECRET, { token: TOKEN, format: 'CSV' }, NOW + 300);
    expect(signed.length).toBeLessThanOrEqual(100);
    expect(signed).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(verifyReportFileToken(SECRET, signed, NOW)).toEqual({ ok: true, token: TOKEN, format: 'CSV' });
    expect(verifyReportFileToken(SECRET, signed, NOW + 300)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses any change to the token, the format or the expiry, and another key', () => {
    const signed = signReportFileToken(SECRET, { token: TOKEN, format: 'JSON' }, NOW + 300);
    const [token, format, expiry, mac] = signed.split('.') as [string, string, string, string];
    const later = (NOW + 86_400).toString(36);
    for (const forged of [
      [TOKEN.replace('0f8f', '1f8f'), format, expiry, mac],
      [token, 'c', expiry, mac],
      [token, format, later, mac],
      [token, format, expiry, mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A')],
      [token, format, expiry],
    ]) {
      expect(verifyReportFileToken(SECRET, forged.join('.'), NOW)).toEqual({ ok: false, reason: 'forged' });
    }
    expect(verifyReportFileToken('another-secret-of-32-characters!', signed, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('names files only for report tokens, so a path never leaves the directory', () => {
    expect(reportFilePath('/var/reports', TOKEN, 'CSV')).toBe(`/var/reports/${TOKEN}.csv`);
    expect(() => reportFilePath('/var/reports', '../../etc/passwd', 'JSON')).toThrow(/not a report token/);
  });
});
