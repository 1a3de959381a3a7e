import { createHash } from 'node:crypto';
import { decodeHTMLStrict } from 'entities';
import type { Engagement, NormalisedPost } from '../normalised-post.js';

/** A line or row that cannot become a post; the reason is shown to the user with the line number. */
export class RecordProblem extends Error {}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH_SECONDS = /^\d{9,11}(?:\.\d+)?$/;
const EARLIEST = Date.UTC(1970, 0, 1);
/** A day of slack for clocks; anything later is a bad date, not a post from the future. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000;

/**
 * An ISO-8601 date and time (`T` or a space between them; `Z`, an offset, or none meaning UTC), checked field by
 * field: JavaScript's Date would turn 30 February into 1 March.
 */
export function parseIsoDateTime(value: string): Date | undefined {
  const m = ISO_DATE_TIME.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

export function parseEpochSeconds(value: string): Date | undefined {
  const v = value.trim();
  return EPOCH_SECONDS.test(v) ? new Date(Math.round(Number(v) * 1000)) : undefined;
}

/** A post's creation time from an ISO-8601 string (or, when allowed, Unix seconds); throws the reason otherwise. */
export function requireDate(field: string, value: unknown, options: { epoch?: boolean } = {}): Date {
  if (value === undefined || value === null || value === '') throw new RecordProblem(`missing ${field}`);
  if (typeof value !== 'string') throw new RecordProblem(`${field} must be a string`);
  const date = parseIsoDateTime(value) ?? (options.epoch ? parseEpochSeconds(value) : undefined);
  if (!date) {
    const expected = options.epoch ? 'an ISO-8601 date-time or Unix seconds' : 'an ISO-8601 date-time';
    throw new RecordProblem(`${field} "${clip(value, 40)}" is not ${expected}`);
  }
  checkPlausible(field, date);
  return date;
}

export function checkPlausible(field: string, date: Date): void {
  const t = date.getTime();
  if (t < EARLIEST) throw new RecordProblem(`${field} ${date.toISOString()} is before 1970`);
  if (t > Date.now() + FUTURE_SLACK_MS)
    throw new RecordProblem(`${field} ${date.toISOString()} is in the future`);
}

/** An identifier: a non-empty string, or a number small enough to be exact (bigger ones must be strings). */
export function requireId(field: string, value: unknown): string {
  const id = optionalId(field, value);
  if (id === null) throw new RecordProblem(`missing ${field}`);
  return id;
}

export function optionalId(field: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RecordProblem(
        `${field} ${value} is too large to be exact as a JSON number; write it as a string`,
      );
    }
    return String(value);
  }
  if (typeof value !== 'string') throw new RecordProblem(`${field} must be a string or an integer`);
  const id = value.trim();
  if (id.length > 200) throw new RecordProblem(`${field} is longer than 200 characters`);
  return id === '' ? null : id;
}

export function optionalString(field: string, value: unknown, maxLength = 2000): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new RecordProblem(`${field} must be a string`);
  const v = value.trim();
  if (v.length > maxLength) throw new RecordProblem(`${field} is longer than ${maxLength} characters`);
  return v === '' ? null : v;
}

/** true/false, or in CSV yes/no, 1/0, empty for false. */
export function optionalBoolean(field: string, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', 'yes', '1', 't', 'y'].includes(v)) return true;
    if (['false', 'no', '0', 'f', 'n', ''].includes(v)) return false;
  }
  throw new RecordProblem(`${field} must be true or false`);
}

export function optionalCount(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

export function optionalUrl(value: unknown): string | null {
  const v = typeof value === 'string' ? value.trim() : '';
  return /^https?:\/\/\S+$/i.test(v) && v.length <= 2000 ? v : null;
}

/** Language tags as platforms give them; "und" (undetermined) and the like mean unknown. */
export function normaliseLang(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase().replace('_', '-');
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(v) || ['und', 'zxx', 'qme', 'qht', 'qam', 'qst'].includes(v)) {
    return null;
  }
  return v;
}

export function normaliseHandle(value: string | null): string | null {
  return value ? value.replace(/^@/, '') || null : null;
}

/** Decodes HTML entities as the X API writes them (`&amp;`, `&lt;`, `&gt;`); strict, so "AT&T" stays. */
export function decodeEntities(text: string): string {
  return text.includes('&') ? decodeHTMLStrict(text) : text;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Plain, tidy text: one kind of line break, no control characters, no runs of spaces, no outer blanks. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();
}

const HASHTAG = /(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;

/** Lower-case hashtags without `#`, from the text and any the source lists, each once. */
export function hashtagsOf(text: string, listed: readonly string[] = []): string[] {
  const tags = new Set<string>();
  for (const m of text.matchAll(HASHTAG)) tags.add(m[1].toLowerCase());
  for (const t of listed) {
    const tag = t.trim().replace(/^#/, '').toLowerCase();
    if (tag) tags.add(tag);
  }
  return [...tags];
}

export interface PostDraft {
  source: string;
  externalId: string;
  text: string;
  createdAt: Date;
  url?: string | null;
  authorId?: string | null;
  authorHandle?: string | null;
  lang?: string | null;
  isRepost?: boolean;
  repostOf?: string | null;
  isReply?: boolean;
  replyTo?: string | null;
  isQuote?: boolean;
  quoteOf?: string | null;
  hashtags?: readonly string[];
  engagement?: Engagement;
}

/** The normalised post of a draft: text tidied (and required), hashtags collected, content hashed. */
export function buildPost(d: PostDraft): NormalisedPost {
  const text = tidyText(d.text);
  if (text === '') throw new RecordProblem('text is empty');
  return {
    source: d.source,
    externalId: d.externalId,
    url: d.url ?? null,
    authorId: d.authorId ?? null,
    authorHandle: d.authorHandle ?? null,
    text,
    lang: d.lang ?? null,
    createdAt: d.createdAt,
    editedAt: null,
    deletedAt: null,
    isRepost: d.isRepost ?? false,
    repostOf: d.repostOf ?? null,
    isReply: d.isReply ?? false,
    replyTo: d.replyTo ?? null,
    isQuote: d.isQuote ?? false,
    quoteOf: d.quoteOf ?? null,
    hashtags: hashtagsOf(text, d.hashtags),
    engagement: d.engagement ?? {},
    contentHash: createHash('sha256').update(text).digest('hex'),
  };
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Drops undefined counts so that stored engagement has only what the source said. */
export function engagementOf(counts: Engagement): Engagement {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== undefined));
}
