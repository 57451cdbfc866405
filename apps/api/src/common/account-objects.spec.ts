import { describe, expect, it } from 'vitest';
import { assertNotArchived, assertSameAdAccount, assertStatusTransition, mergeDefined, summaryStatus } from './account-objects';

const kind = { label: 'Campaign', fields: { name: 'plain', end_time: 'time', tracking_urls: 'json' } as const };

describe('summaryStatus', () => {
  it('tells whether an ACTIVE object delivers now, and passes other statuses through', () => {
    expect(summaryStatus('ACTIVE', 100, 200, 150)).toBe('RUNNING');
    expect(summaryStatus('ACTIVE', null, null, 150)).toBe('RUNNING');
    expect(summaryStatus('ACTIVE', 200, null, 150)).toBe('NOT_STARTED');
    expect(summaryStatus('ACTIVE', 100, 150, 150)).toBe('COMPLETED');
    expect(summaryStatus('PAUSED', 100, 150, 150)).toBe('PAUSED');
    expect(summaryStatus('ARCHIVED', null, null)).toBe('ARCHIVED');
    expect(summaryStatus('DRAFT', null, null)).toBe('DRAFT');
  });
});

describe('mergeDefined', () => {
  it('takes the writable fields that were sent, keeps the others, and lets null clear', () => {
    const current = { id: '1', name: 'A', end_time: 5 as number | null, tracking_urls: null, status: 'ACTIVE' };
    expect(mergeDefined(kind, current, { id: '2', name: undefined, end_time: null, status: 'PAUSED', tracking_urls: { click: [] } })).toEqual({
      id: '1',
      name: 'A',
      end_time: null,
      tracking_urls: { click: [] },
      status: 'ACTIVE',
    });
  });
});

describe('status rules', () => {
  it('makes ARCHIVED read-only and DRAFT a one-way door', () => {
    expect(() => assertNotArchived(kind, { id: '7', status: 'ARCHIVED' })).toThrow('Campaign 7 is archived; archived campaigns cannot be changed.');
    expect(() => assertNotArchived(kind, { id: '7', status: 'PAUSED' })).not.toThrow();
    expect(() => assertStatusTransition(kind, { id: '7', status: 'ACTIVE' }, 'DRAFT')).toThrow('status: campaign 7 has left DRAFT');
    expect(() => assertStatusTransition(kind, { id: '7', status: 'DRAFT' }, 'DRAFT')).not.toThrow();
    expect(() => assertStatusTransition(kind, { id: '7', status: 'DRAFT' }, 'ACTIVE')).not.toThrow();
    expect(() => assertStatusTransition(kind, { id: '7', status: 'PAUSED' }, 'ARCHIVED')).not.toThrow();
  });

  it('accepts a body ad_account_id only when it is the one of the path', () => {
    expect(() => assertSameAdAccount(undefined, '1')).not.toThrow();
    expect(() => assertSameAdAccount('1', '1')).not.toThrow();
    expect(() => assertSameAdAccount('2', '1')).toThrow('ad_account_id: 2 does not match the ad account of the path (1)');
  });
});
