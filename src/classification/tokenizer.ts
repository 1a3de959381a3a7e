import type { HashtagSegmenter } from './hashtag-segmenter.js';

export type TokenKind = 'word' | 'hashtag' | 'mention' | 'url' | 'emoji' | 'emoticon' | 'punct' | 'quote';

export interface Token {
  kind: TokenKind;
  /** As written (emoji without variation selectors and skin tones). */
  text: string;
  /** Lower case, curly apostrophes straightened; for punctuation the mark itself. */
  lower: string;
  /** Word written in capitals (at least two letters). */
  caps: boolean;
  /** Word with a capital first letter only ("Grand", "United"). */
  title: boolean;
  /** A word that came from splitting a hashtag. */
  fromHashtag: boolean;
  /** What the sentiment rules know about the word, filled on first use (cached per token). */
  info: object | undefined;
}

/** Every token has the same shape, which keeps the hot loops monomorphic. */
export function makeToken(
  kind: TokenKind,
  text: string,
  lower: string,
  fromHashtag = false,
  caps = false,
  title = false,
): Token {
  return { kind, text, lower, caps, title, fromHashtag, info: undefined };
}

// One pass over the text: URLs, mentions, hashtags, emoticons, words (with inner apostrophes: don't),
// emoji (with modifiers and joiners) and the punctuation that bounds clauses. Anything else is skipped.
const EMOTICON = String.raw`(?<![\p{L}\p{N}])(?:[<>]?[:;=][\-o*'^]?(?:[)\](\[/\\|}{@3*$]+|[dDpPoOsScCxXbB](?![\p{L}\p{N}]))|[)\](\[/\\|dD][\-o*'^]?[:;=]|<\/?3+|\^_*\^|-_+-|[oO][._][oO]|[xX][dD]+)(?![\p{L}\p{N}])`;
const TOKEN_RE = new RegExp(
  [
    String.raw`((?:https?:\/\/|www\.)\S+)`,
    String.raw`(@[\p{L}\p{N}_]+)`,
    String.raw`(#[\p{L}\p{N}_]+)`,
    `(${EMOTICON})`,
    String.raw`([\p{L}\p{N}]+(?:['’][\p{L}]+)*)`,
    String.raw`(\p{Extended_Pictographic}(?:\u{FE0F}|[\u{1F3FB}-\u{1F3FF}]|\u200D\p{Extended_Pictographic}\u{FE0F}?)*)`,
    String.raw`([!?]+|[.,;:…]+|\n|[–—]|\s-\s|\/s\b)`,
    String.raw`(["“”])`,
  ].join('|'),
  'gu',
);
const EMOJI_EXTRAS = /\u{FE0F}|[\u{1F3FB}-\u{1F3FF}]|\u200D.*/gu;
const HAS_UPPER = /\p{Lu}/u;
const HAS_LOWER = /\p{Ll}/u;

const STICKY_RE = new RegExp(TOKEN_RE.source, 'uy');

/**
 * Splits a post into tokens. A hashtag yields its own token, then the words it is made of (#ImInWorkJeremy →
 * im, in, work, jeremy), so cues can name the hashtag and sentiment and targets can use its words.
 *
 * Plain ASCII words, spaces and sentence punctuation (most of any post) are scanned by hand; everything else
 * (URLs, mentions, hashtags, emoticons, emoji, non-ASCII letters) goes to the regular expression at that
 * position. Both give the same tokens; the hand scan is several times faster.
 */
export function tokenize(text: string, segmenter: HashtagSegmenter): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      tokens.push(makeToken('punct', '\n', '\n'));
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      // " - " bounds a clause, like a comma.
      if (text.charCodeAt(i + 1) === 45 && isSpace(text.charCodeAt(i + 2))) {
        tokens.push(makeToken('punct', '-', '-'));
        i += 3;
        continue;
      }
      i++;
      continue;
    }
    if (isAsciiAlnum(c) && !mayStartSpecial(text, i, c)) {
      const end = scanAsciiWord(text, i);
      if (end > 0) {
        pushWord(tokens, text.slice(i, end));
        i = end;
        continue;
      }
    } else if (c === 46 || c === 44) {
      // "." and "," runs, which take any ";", ":" and "…" that follow.
      let j = i + 1;
      while (j < n && isStop(text.charCodeAt(j))) j++;
      const raw = text.slice(i, j);
      tokens.push(makeToken('punct', raw, raw));
      i = j;
      continue;
    } else if (c === 33 || c === 63) {
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === 33 || text.charCodeAt(j) === 63)) j++;
      const raw = text.slice(i, j);
      tokens.push(makeToken('punct', raw, raw));
      i = j;
      continue;
    } else if (c === 34) {
      tokens.push(makeToken('quote', '"', '"'));
      i++;
      continue;
    }
    STICKY_RE.lastIndex = i;
    const m = STICKY_RE.exec(text);
    if (m === null || m[0].length === 0) {
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      continue;
    }
    pushMatch(tokens, m, segmenter);
    i = STICKY_RE.lastIndex;
  }
  return tokens;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** : ; = */
function isEyes(c: number): boolean {
  return c === 58 || c === 59 || c === 61;
}

/** . , ; : … */
function isStop(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 58 || c === 0x2026;
}

/** Letters that may open a URL ("http", "www.") or an emoticon ("xD", "o.O", "D:") go to the expression. */
function mayStartSpecial(text: string, i: number, c: number): boolean {
  const next = text.charCodeAt(i + 1);
  switch (c) {
    case 104: // h
      return text.startsWith('http://', i) || text.startsWith('https://', i);
    case 119: // w
      return text.startsWith('www.', i);
    case 120: // x
    case 88: // X
      return next === 100 || next === 68;
    case 111: // o
    case 79: // O
      return next === 46 || next === 95;
    case 100: // d
    case 68: // D  ("D:", "D-:")
      return (
        isEyes(next) ||
        ((next === 45 || next === 111 || next === 42 || next === 39 || next === 94) &&
          isEyes(text.charCodeAt(i + 2)))
      );
    default:
      return false;
  }
}

/**
 * End of an ASCII word at i (letters and digits, then apostrophe-letter groups: "don't"), or −1 when a
 * non-ASCII character touches it (the expression handles such words whole).
 */
function scanAsciiWord(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n && isAsciiAlnum(text.charCodeAt(j))) j++;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 39 || c === 0x2019) {
      const after = text.charCodeAt(j + 1);
      if (isAsciiLetter(after)) {
        j += 2;
        while (j < n && isAsciiLetter(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) > 127 || isAsciiDigit(text.charCodeAt(j))) return nonAsciiOrDigitTail(text, j);
        continue;
      }
      if (after > 127) return -1;
      return j;
    }
    return c > 127 && !isBoundaryAbove127(c) ? -1 : j;
  }
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** After an apostrophe group a digit ends the word ("don't2"); a non-ASCII letter needs the expression. */
function nonAsciiOrDigitTail(text: string, j: number): number {
  return isAsciiDigit(text.charCodeAt(j)) ? j : -1;
}

/** Non-ASCII characters that cannot continue a word: spaces, punctuation, symbols, emoji. */
function isBoundaryAbove127(c: number): boolean {
  return c === 0xa0 || (c >= 0x2000 && c <= 0x2bff) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfe0f;
}

function pushWord(tokens: Token[], raw: string): void {
  const lower = raw.toLowerCase();
  let caps = false;
  let title = false;
  if (raw !== lower && raw.length > 1) {
    caps = !HAS_LOWER.test(raw);
    title = !caps && raw.slice(1) === lower.slice(1);
  }
  tokens.push(
    makeToken('word', raw, lower.includes('’') ? lower.replaceAll('’', "'") : lower, false, caps, title),
  );
}

function pushMatch(tokens: Token[], m: RegExpExecArray, segmenter: HashtagSegmenter): void {
  if (m[5] !== undefined) {
    pushWord(tokens, m[5]);
  } else if (m[7] !== undefined) {
    const raw = m[7] === '\n' ? '\n' : m[7].trim();
    tokens.push(makeToken('punct', raw, raw));
  } else if (m[3] !== undefined) {
    const raw = m[3];
    tokens.push(makeToken('hashtag', raw, raw.toLowerCase()));
    for (const word of segmenter.split(raw.slice(1))) tokens.push(makeToken('word', word, word, true));
  } else if (m[6] !== undefined) {
    const base = m[6].replace(EMOJI_EXTRAS, '');
    tokens.push(makeToken('emoji', base, base));
  } else if (m[4] !== undefined) {
    tokens.push(makeToken('emoticon', m[4], m[4]));
  } else if (m[2] !== undefined) {
    tokens.push(makeToken('mention', m[2], m[2].toLowerCase()));
  } else if (m[8] !== undefined) {
    tokens.push(makeToken('quote', m[8], '"'));
  } else if (m[1] !== undefined) {
    tokens.push(makeToken('url', m[1], m[1]));
  }
}

/** The expression alone, token for token what `tokenize` gives; kept to check the hand scan against. */
export function tokenizeByExpression(text: string, segmenter: HashtagSegmenter): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    if (m[0].length === 0) {
      TOKEN_RE.lastIndex++;
      continue;
    }
    pushMatch(tokens, m, segmenter);
  }
  return tokens;
}

/** True when the text has letters in both cases, so that a word in capitals stands out as shouting. */
/** Characters that end a sentence when a punctuation token starts with them. */
export const SENTENCE_END: ReadonlySet<string> = new Set(['.', '!', '?', '…', '\n']);

/** A punctuation token that ends a sentence ("." "?!" "…"), including runs that hold "?" or "!". */
export function endsSentence(t: Token): boolean {
  return (
    t.kind === 'punct' && (SENTENCE_END.has(t.lower[0]) || t.lower.includes('?') || t.lower.includes('!'))
  );
}

export function hasMixedCase(text: string): boolean {
  return HAS_UPPER.test(text) && HAS_LOWER.test(text);
}
