import { createHash } from 'node:crypto';
import he from 'he';
import { convert } from 'html-to-text';

const HTML_OPTIONS = {
  wordwrap: false as const,
  preserveNewlines: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'h1', format: 'heading', options: { uppercase: false } },
    { selector: 'h2', format: 'heading', options: { uppercase: false } },
    { selector: 'h3', format: 'heading', options: { uppercase: false } },
    { selector: 'h4', format: 'heading', options: { uppercase: false } },
    { selector: 'h5', format: 'heading', options: { uppercase: false } },
    { selector: 'h6', format: 'heading', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

/** Plain text from (sanitised or not) HTML: tags stripped, entities decoded, paragraphs kept as blank lines. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return tidyText(html);
  return tidyText(convert(html, HTML_OPTIONS));
}

/** Plain text that arrives entity-escaped (X's `&amp;`, `&lt;`, `&gt;`). */
export function decodeEntities(text: string): string {
  return tidyText(he.decode(text));
}

/**
 * Sane whitespace without touching the words: CRLF to LF, runs of spaces and tabs to one space, lines
 * trimmed, at most one blank line in a row. Right-to-left marks, emoji and joiners are kept as they are.
 */
export function tidyText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** sha256 of the normalised text: lets ingestion tell an edit from a re-fetch. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hashtags written in a text, lower-case and without `#`, each once. */
export function hashtagsIn(text: string): string[] {
  const tags = [
    ...text.matchAll(/(?<![\p{L}\p{N}_&/])#([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*)/gu),
  ].map((m) => m[1]);
  return uniqueTags(tags);
}

/** Lower-case, without `#`, each once, in first-seen order. */
export function uniqueTags(tags: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const t of tags) {
    const tag = t.replace(/^#/, '').trim().toLowerCase();
    if (tag) seen.add(tag);
  }
  return [...seen];
}
