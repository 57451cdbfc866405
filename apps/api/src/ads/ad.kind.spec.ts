import { describe, expect, it } from 'vitest';
import { adSummaryStatus } from './ad.kind';

describe('ad summary status', () => {
  it('shows the lifecycle first: ARCHIVED and DRAFT whatever the review says', () => {
    expect(adSummaryStatus('ARCHIVED', 'APPROVED')).toBe('ARCHIVED');
    expect(adSummaryStatus('ARCHIVED', 'REJECTED')).toBe('ARCHIVED');
    expect(adSummaryStatus('DRAFT', 'PENDING')).toBe('DRAFT');
  });

  it('then the review: a live ad that is not approved reads REJECTED or PENDING, paused or not', () => {
    expect(adSummaryStatus('ACTIVE', 'REJECTED')).toBe('REJECTED');
    expect(adSummaryStatus('PAUSED', 'REJECTED')).toBe('REJECTED');
    expect(adSummaryStatus('ACTIVE', 'PENDING')).toBe('PENDING');
  });

  it('then whether an approved ad is paused', () => {
    expect(adSummaryStatus('ACTIVE', 'APPROVED')).toBe('APPROVED');
    expect(adSummaryStatus('PAUSED', 'APPROVED')).toBe('PAUSED');
  });
});
