import type { NormalisedPost } from '../normalised-post.js';
import type { RejectedItem } from '../source-adapter.js';

/** Raised while mapping one item: the item is rejected with the reason, the rest of the page is kept. */
export class ItemProblem extends Error {}

const RAW_LIMIT = 64 * 1024;

/** Maps each raw item, keeping what fails as a rejected item with its reason and raw JSON. */
export function mapItems<T>(
  items: readonly T[],
  map: (item: T) => NormalisedPost | null,
): { posts: NormalisedPost[]; rejected: RejectedItem[] } {
  const posts: NormalisedPost[] = [];
  const rejected: RejectedItem[] = [];
  for (const item of items) {
    try {
      const post = map(item);
      if (post) posts.push(post);
    } catch (error) {
      if (!(error instanceof ItemProblem) && !(error instanceof TypeError)) throw error;
      rejected.push({ reason: error.message, raw: rawOf(item) });
    }
  }
  return { posts, rejected };
}

export function rawOf(item: unknown): string {
  if (typeof item === 'string') return item.slice(0, RAW_LIMIT);
  try {
    return (JSON.stringify(item) ?? String(item)).slice(0, RAW_LIMIT);
  } catch {
    return String(item).slice(0, RAW_LIMIT);
  }
}

/** Small readers that raise an ItemProblem naming the field. */
export function str(obj: Record<string, unknown>, field: string): string {
  const v = obj[field];
  if (typeof v !== 'string' || v === '') throw new ItemProblem(`missing or non-string "${field}"`);
  return v;
}

export function optStr(obj: Record<string, unknown>, field: string): string | null {
  const v = obj[field];
  return typeof v === 'string' && v !== '' ? v : null;
}

export function date(value: unknown, field: string): Date {
  const d =
    typeof value === 'string'
      ? new Date(value)
      : typeof value === 'number'
        ? new Date(value)
        : value instanceof Date
          ? value
          : undefined;
  if (!d || Number.isNaN(d.getTime())) throw new ItemProblem(`missing or invalid date "${field}"`);
  return d;
}

export function optNum(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function record(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new ItemProblem(`${what} is not an object`);
  return value as Record<string, unknown>;
}

/** Engagement with the counts the platform gave, leaving out what it did not. */
export function engagement(counts: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) if (v !== undefined) out[k] = v;
  return out;
}
