/**
 * Pagination as DigitalOcean pages lists: `page` and `per_page` query parameters, `links.pages` with
 * first/prev/next/last, and `meta.total`. Only the page's items are presented (lists of thousands stay cheap).
 */
import { badRequest } from './errors.js';

/** DigitalOcean's page size when `per_page` is not given (DO-API-FACTS.md 5.4). */
export const DEFAULT_PER_PAGE = 20;
/** The largest page DigitalOcean serves (DO-API-FACTS.md 5.4); a larger `per_page` is served as this. */
export const MAX_PER_PAGE = 200;

const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

/** The page asked for: its number and size. */
function pageRequest(url: URL): { page: number; perPage: number } {
  const pageText = url.searchParams.get('page') ?? '1';
  const perText = url.searchParams.get('per_page') ?? String(DEFAULT_PER_PAGE);
  if (!POSITIVE_INTEGER.test(pageText)) throw badRequest('page must be a positive integer');
  if (!POSITIVE_INTEGER.test(perText)) throw badRequest('per_page must be a positive integer');
  return { page: Number(pageText), perPage: Math.min(MAX_PER_PAGE, Number(perText)) };
}

/** The `links.pages` of a page: first and prev after the first page, next and last before the last. */
function pageLinks(url: URL, base: string, page: number, perPage: number, last: number): Record<string, string> {
  const link = (p: number) => {
    const u = new URL(url.pathname + url.search, base);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const pages: Record<string, string> = {};
  if (page > 1) Object.assign(pages, { first: link(1), prev: link(Math.min(page - 1, last)) });
  if (page < last) Object.assign(pages, { next: link(page + 1), last: link(last) });
  return pages;
}

/** One page of a list under `key`; `base` is the server's address, which the links are written against. */
export function paginate<T>(url: URL, base: string, key: string, items: readonly T[], present: (item: T) => unknown = (x) => x): Record<string, unknown> {
  const { page, perPage } = pageRequest(url);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  return {
    [key]: items.slice((page - 1) * perPage, page * perPage).map(present),
    ...(last > 1 ? { links: { pages: pageLinks(url, base, page, perPage, last) } } : { links: {} }),
    meta: { total: items.length },
  };
}
