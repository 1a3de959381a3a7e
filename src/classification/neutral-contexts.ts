import type { Lexicon } from './lexicon.js';
import { ScratchBytes } from './scratch.js';
import { endsSentence, SENTENCE_END, type Token } from './tokenizer.js';

/**
 * Places where a word of the lexicon is not the poster's sentiment, so that it counts nothing: the venue or game
 * of an automatic check-in ("I'm at Spirit Mountain Casino", "played Rift in the last 24 hours"), and the words
 * of a request for information ("what's a good site for photos?", "are you going away for the holidays?").
 * Each muted token gets the code of its context, and the explanation names it.
 */
export const Muted = {
  None: 0,
  /** The place or game an automatic check-in names. */
  CheckIn: 1,
  /** A mild word inside a question that asks for information. */
  InfoRequest: 2,
} as const;

/** The modifier each code shows in the explanation. */
export const MUTED_MODIFIER: readonly string[] = ['', 'check-in', 'info-request'];

/**
 * A word this strong (|valence| ≥ 2.5 on VADER's −4…+4 scale, the line the negation rule draws too) makes a
 * question expressive ("why are you so stupid?"), not a request for information.
 */
export const STRONG_VALENCE = 2.5;

const MUTED = new ScratchBytes();
/**
 * Words that open a question asking for information: auxiliaries and wh-words. Not "why", which challenges
 * (`isWhyChallenge` in sentiment-analyser.ts).
 */
const REQUEST_OPENERS = new Set(
  `is are was were am do does did can could will would should shall have has had what what's whats which where
   when who who's how how's any anyone anybody`.split(/\s+/),
);
/** Words of feeling: a question about them asks how someone feels, and is warm itself ("do you like it?"). */
const AFFECT = new Set(
  'like likes love loves enjoy enjoyed enjoying favorite favourite fav fave glad happy'.split(' '),
);

export type ValenceOf = (t: Token, lex: Lexicon) => number | undefined;

/**
 * Codes (see `Muted`) for the tokens whose words do not count as sentiment. `questions` marks the tokens of
 * question clauses (undefined when the post asks nothing).
 */
export function markMuted(
  tokens: Token[],
  questions: Uint8Array | undefined,
  lex: Lexicon,
  valenceOf: ValenceOf,
): Uint8Array {
  const muted = MUTED.take(tokens.length);
  markCheckIn(tokens, muted);
  if (questions) markInfoRequests(tokens, muted, questions, lex, valenceOf);
  return muted;
}

/**
 * Automatic check-ins: "I'm at <venue> (<address>) <link>" and "played <game> in the last 24 hours". The venue or
 * game is a name, whatever its words ("United Supermarket", "Grand Ronde"); what the poster adds after it counts.
 */
function markCheckIn(tokens: Token[], muted: Uint8Array): void {
  const n = tokens.length;
  let i = 0;
  while (i < n && (tokens[i].kind === 'mention' || tokens[i].lower === 'rt' || tokens[i].lower === ':')) i++;
  const first = tokens[i];
  if (!first || first.kind !== 'word') return;
  if ((first.lower === "i'm" || first.lower === 'im') && tokens[i + 1]?.lower === 'at') {
    // "I'm at work" is a statement; a check-in names a place, in capitals.
    const venue = tokens[i + 2];
    if (!venue || venue.kind !== 'word' || !(venue.title || venue.caps)) return;
    for (let k = i + 2; k < n; k++) {
      const t = tokens[k];
      if (t.kind === 'url' || (t.kind === 'punct' && SENTENCE_END.has(t.lower[0]))) break;
      muted[k] = Muted.CheckIn;
    }
    return;
  }
  if (first.lower === 'played') {
    // "played Rift (PC) in the last 24 hours.": the template's verb and the game it names.
    for (let k = i + 1; k + 2 < n; k++) {
      const t = tokens[k];
      if (t.kind === 'punct' || t.kind === 'url') return;
      if (t.lower === 'in' && tokens[k + 1].lower === 'the' && tokens[k + 2].lower === 'last') {
        muted.fill(Muted.CheckIn, i, k);
        return;
      }
    }
  }
}

/**
 * Requests for information: a question that opens with an auxiliary or a wh-word ("can anyone recommend a good
 * editor?", "what's a good site for …?", "are you going away for the holidays?") asks and asserts nothing, so
 * its mild words do not count. Not when a strong word makes it expressive, not when it asks about
 * feelings ("do you like it?", "what's your favourite?"), not an exclamative ("how cool is that?", "what a
 * day?") and not "what about …?", which proposes or argues.
 */
function markInfoRequests(
  tokens: Token[],
  muted: Uint8Array,
  questions: Uint8Array,
  lex: Lexicon,
  valenceOf: ValenceOf,
): void {
  const n = tokens.length;
  let start = 0;
  for (let end = 0; end <= n; end++) {
    if (end < n && !endsSentence(tokens[end])) continue;
    let first = start;
    while (first < end && tokens[first].kind !== 'word') first++;
    start = end + 1;
    if (first >= end || questions[first] !== 1) continue;
    const opener = tokens[first];
    if (!REQUEST_OPENERS.has(opener.lower)) continue;
    const second = tokens[first + 1];
    if ((opener.lower === 'what' || opener.lower === 'how') && second?.lower === 'about') continue;
    // Exclamatives: "how cool is that?", "what a day?!".
    if (opener.lower === 'how' && second?.kind === 'word' && valenceOf(second, lex)) continue;
    if (opener.lower === 'what' && (second?.lower === 'a' || second?.lower === 'an')) continue;
    let asking = true;
    let words = 0;
    for (let k = first; k < end && asking; k++) {
      const t = tokens[k];
      if (t.kind !== 'word') continue;
      if (AFFECT.has(t.lower)) asking = false;
      const v = valenceOf(t, lex);
      if (v === undefined || v === 0) continue;
      words++;
      if (Math.abs(v) >= STRONG_VALENCE) asking = false;
    }
    if (!asking || words === 0) continue;
    for (let k = first; k < end; k++) {
      const t = tokens[k];
      if (t.kind === 'word' && muted[k] === Muted.None && valenceOf(t, lex)) muted[k] = Muted.InfoRequest;
    }
  }
}
