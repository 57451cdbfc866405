import { InvalidParametersException } from '@loupe/server-core';

/**
 * Bookmarks are opaque to clients: base64url of the last id of the page. Keyset
 * pagination on the id keeps pages stable while rows are added.
 */
export function encodeBookmark(lastId: string): string {
  return Buffer.from(`v1:${lastId}`, 'utf8').toString('base64url');
}

export function decodeBookmark(bookmark: string | undefined): string | undefined {
  if (bookmark === undefined || bookmark === '') return undefined;
  const decoded = Buffer.from(bookmark, 'base64url').toString('utf8');
  const match = /^v1:(\d{1,18})$/.exec(decoded);
  if (!match) throw new InvalidParametersException('Invalid bookmark: pass the bookmark value from the previous page unchanged.');
  return match[1];
}

/** Given page_size + 1 fetched rows, returns the page and the bookmark of the next one. */
export function toPage<T extends { id: string }, R>(rows: T[], pageSize: number, map: (row: T) => R): { items: R[]; bookmark: string | null } {
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return { items: page.map(map), bookmark: rows.length > pageSize && last ? encodeBookmark(last.id) : null };
}
