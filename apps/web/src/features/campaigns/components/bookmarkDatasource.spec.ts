import { type Page } from '@loupe/contracts';
import { describe, expect, it, vi } from 'vitest';
import { createBookmarkPager } from './bookmarkDatasource';

/** A fake API of `total` rows paged by bookmark "after:<n>". */
function pagedApi(total: number) {
  const rows = Array.from({ length: total }, (_, i) => ({ id: String(i) }));
  return vi.fn((bookmark: string | null, pageSize: number): Promise<Page<{ id: string }>> => {
    const start = bookmark === null ? 0 : Number(bookmark.replace('after:', ''));
    const end = Math.min(start + pageSize, total);
    return Promise.resolve({ items: rows.slice(start, end), bookmark: end < total ? `after:${end}` : null });
  });
}

describe('bookmark pager for the infinite row model', () => {
  it('serves row blocks page by page, passing each bookmark on, and reports the total at the last page', async () => {
    const api = pagedApi(250);
    const pager = createBookmarkPager(api, 100);

    const first = await pager.getRows({ startRow: 0, endRow: 100 });
    expect(first.rows.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    expect(first.lastRow).toBeUndefined();

    await pager.getRows({ startRow: 100, endRow: 200 });
    const last = await pager.getRows({ startRow: 200, endRow: 300 });
    expect(last.rows.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => String(200 + i)));
    expect(last.lastRow).toBe(250);
    expect(api.mock.calls.map(([bookmark]) => bookmark)).toEqual([null, 'after:100', 'after:200']);
  });

  it('walks the pages it skipped when the grid jumps ahead, since page n needs the bookmark of page n-1', async () => {
    const api = pagedApi(500);
    const pager = createBookmarkPager(api, 100);

    const block = await pager.getRows({ startRow: 300, endRow: 400 });
    expect(block.rows[0]?.id).toBe('300');
    expect(api.mock.calls.map(([bookmark]) => bookmark)).toEqual([null, 'after:100', 'after:200', 'after:300']);
  });

  it('fetches a page again when the grid refreshes it, so a paused row shows its new status', async () => {
    const api = pagedApi(10);
    const pager = createBookmarkPager(api, 100);
    await pager.getRows({ startRow: 0, endRow: 100 });
    await pager.getRows({ startRow: 0, endRow: 100 });
    expect(api).toHaveBeenCalledTimes(2);
  });

  it('answers an empty account with no rows and a total of 0', async () => {
    const pager = createBookmarkPager(pagedApi(0), 100);
    await expect(pager.getRows({ startRow: 0, endRow: 100 })).resolves.toEqual({ rows: [], lastRow: 0 });
  });

  it('passes a failed page on to the grid and keeps serving after it', async () => {
    const api = pagedApi(10);
    api.mockRejectedValueOnce(new Error('HTTP 503'));
    const pager = createBookmarkPager(api, 100);
    await expect(pager.getRows({ startRow: 0, endRow: 100 })).rejects.toThrow('HTTP 503');
    await expect(pager.getRows({ startRow: 0, endRow: 100 })).resolves.toMatchObject({ lastRow: 10 });
  });
});
