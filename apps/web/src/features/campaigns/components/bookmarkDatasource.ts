import { type Page } from '@loupe/contracts';

export interface BlockRequest {
  startRow: number;
  endRow: number;
}

export type FetchPage<T> = (bookmark: string | null, pageSize: number) => Promise<Page<T>>;

/**
 * Serves AG Grid's infinite row model (row ranges) from the API's bookmark pagination
 * (page after page, each page naming the next). Page n can only be asked for with the
 * bookmark page n-1 returned, so bookmarks are remembered per page and a jump ahead
 * (the person drags the scrollbar) walks the missing pages in order. Requests run one
 * at a time so two blocks never race for the same bookmark. Bookmarks are keyset
 * positions, so they stay valid when rows change and a refresh re-reads the same pages.
 */
export function createBookmarkPager<T>(fetchPage: FetchPage<T>, pageSize: number) {
  /** bookmark to ask for page i; page 0 needs none; undefined = not known yet. */
  const bookmarks: (string | null | undefined)[] = [null];
  const pages = new Map<number, T[]>();
  let lastPage: number | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  /** Page `index`, fetched afresh (the grid asks again after a change); earlier pages only to learn bookmarks. */
  async function loadPage(index: number): Promise<T[]> {
    let known = index;
    while (bookmarks[known] === undefined) known -= 1;
    for (let i = known; i <= index; i += 1) {
      if (lastPage !== null && i > lastPage) return [];
      if (pages.has(i) && i < index) continue;
      const page = await fetchPage(bookmarks[i] ?? null, pageSize);
      pages.set(i, page.items);
      bookmarks[i + 1] = page.bookmark;
      if (page.bookmark === null) lastPage = i;
    }
    return pages.get(index) ?? [];
  }

  /** Rows startRow..endRow and, once the last page is known, the total row count (AG Grid's lastRow). */
  function getRows({ startRow, endRow }: BlockRequest): Promise<{ rows: T[]; lastRow: number | undefined }> {
    const run = async () => {
      const first = Math.floor(startRow / pageSize);
      const last = Math.floor((endRow - 1) / pageSize);
      const rows: T[] = [];
      for (let p = first; p <= last; p += 1) rows.push(...(await loadPage(p)));
      const offset = startRow - first * pageSize;
      const slice = rows.slice(offset, offset + (endRow - startRow));
      const total = lastPage === null ? undefined : lastPage * pageSize + (pages.get(lastPage)?.length ?? 0);
      return { rows: slice, lastRow: total };
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  }

  return { getRows };
}
