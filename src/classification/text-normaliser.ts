/** Longest text classified; the rest of a longer post is ignored (posts are short; archives can hold junk). */
export const MAX_CLASSIFIED_CHARS = 20_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos|nbsp|#39));/g;
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

/**
 * Makes any input safe to classify: a string of well-formed UTF-16 (lone surrogates become U+FFFD), HTML
 * entities decoded as posts carry them (&amp;), and at most MAX_CLASSIFIED_CHARS long.
 */
export function normaliseText(input: unknown): string {
  let text = typeof input === 'string' ? input : '';
  if (text.length > MAX_CLASSIFIED_CHARS) text = text.slice(0, MAX_CLASSIFIED_CHARS);
  if (text.includes('&')) text = text.replace(ENTITY, decodeEntity);
  // Cutting at the limit can split a surrogate pair, so this comes after the slice.
  LONE_SURROGATE.lastIndex = 0;
  if (LONE_SURROGATE.test(text)) text = text.replace(LONE_SURROGATE, '\uFFFD');
  return text;
}

function decodeEntity(whole: string, dec?: string, hex?: string, named?: string): string {
  if (named) return NAMED[named] ?? whole;
  const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
  if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return '\uFFFD';
  return String.fromCodePoint(code);
}
