import type { Lexicon } from './lexicon.js';
import { markMuted, MUTED_MODIFIER } from './neutral-contexts.js';
import { ScratchBytes, ScratchInts } from './scratch.js';
import { endsSentence, type Token } from './tokenizer.js';
import { BOOSTER_PHRASES, CONTRAST_WORDS, SARCASM_MARKERS } from './word-lists.js';

/** Empirical constants from Hutto & Gilbert (2014): booster step, capitals step, negation factor. */
export const BOOST = 0.293;
export const CAPS_BOOST = 0.733;
export const NEGATION = -0.74;
const ELONGATION_BOOST = 0.293;
const NEGATED_NEGATIVE = -0.4;
const STRONG_NEGATIVE = 2.5;
const EXCLAMATION_STEP = 0.292;
const MAX_EXCLAMATIONS = 4;
/** Before "but" a clause counts half; after it, one and a half. */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
/** A question asserts less than a statement. */
const QUESTION_FACTOR = 0.6;
/** Words split out of a hashtag: a label more than a statement (#beatcancer is not about cancer). */
const HASHTAG_FACTOR = 0.5;
/** A capitalised word inside a sentence is usually a name ("Grand Ronde", "United Supermarket"). */
const NAME_FACTOR = 0.25;
/** How far back (in words, inside the clause) a negator or booster reaches. */
const NEGATION_REACH = 3;
const BOOSTER_DECAY = [1, 0.95, 0.9];
/** Compound = sum / sqrt(sum² + ALPHA), VADER's normalisation into (−1, 1). */
const ALPHA = 15;
export const LABEL_THRESHOLD = 0.05;
const CLAUSE_OF = new ScratchInts();
const NEGATED = new ScratchBytes();
const QUESTIONS = new ScratchBytes();

const CONTRAST = new Set(CONTRAST_WORDS);
/** Conjunctions that open a clause of their own, with its own subject ("…because Hunt lied"). */
const CLAUSE_BREAKS = new Set(['because', 'cos', 'cuz', 'while', 'whilst', 'unless']);
const ELONGATED = /(\p{L})\1\1/u;
/** The last character drawn out: ":)))", "<333", "XDDD". */
const DRAWN_OUT_END = /(.)\1+$/u;
const NEGATION_EXCEPTIONS = new Set(['not only', 'no doubt', 'no wonder', 'nothing but']);
/** Laughter, interjections and emoji say how the poster feels whatever comes before them: never negated. */
const NOT_NEGATABLE = new Set(
  'lol lmao lmfao rofl haha hahaha hehe heh ha omg wtf ffs smh ugh yay xoxo xo xx xxx'.split(' '),
);
/** Words of a softening phrase ("kind of") carry no sentiment of their own. */
const PHRASE_FIRST_WORDS = new Set(Object.keys(BOOSTER_PHRASES).map((p) => p.split(' ')[0]));
/** Multi-word expressions whose meaning is not the sum of their words. */
const IDIOMS: Readonly<Record<string, number>> = {
  'bad ass': 1.5,
  'the shit': 3,
  'the shit out of': 0,
  'the hell out of': 0,
  'the crap out of': 0,
  'the bomb': 3,
  'kiss of death': -1.5,
  'cut the mustard': 2,
  'hand to mouth': -2,
  'no worries': 1.2,
  'no problem': 1.0,
  'not bad': 1.2,
  'fed up': -2.0,
  'let down': -1.8,
  'messed up': -1.8,
  'screwed up': -1.8,
  'rip off': -2.0,
  'pain in the ass': -2.2,
  'piss off': -2.3,
  'shut up': -1.5,
  'looking forward': 2.0,
  'look forward': 2.0,
  "can't wait": 2.0,
  'cant wait': 2.0,
  'thank god': 1.5,
  'oh well': -0.6,
  'no way': -0.8,
  'well done': 2.2,
  'good luck': 1.8,
  'what a joke': -2.2,
  'fair play': 1.8,
  'good on': 1.6,
  'fighting for': 1.2,
  'fight for': 1.2,
  'stand up for': 1.5,
  'standing up for': 1.5,
  'stood up for': 1.5,
  'step too far': -1.8,
  'too far': -1.2,
  'cross the line': -1.5,
  'crossed the line': -1.5,
  'crossed a line': -1.5,
  'new low': -2.2,
  'lost the plot': -1.8,
  'playing politics': -2.0,
  'play politics': -2.0,
  'enough is enough': -1.5,
  'boo hoo': -1.5,
  'had enough': -1.6,
  'fed up with': -2.0,
  'mad respect': 2.5,
  'thanks for nothing': -2.2,
  'a lot to answer for': -2.0,
  'answer for': -1.2,
  'moral compass': 0,
  'giving in': -0.5,
  'give in': -0.5,
  'backing down': -0.8,
  'back down': -0.8,
  'burnt out': -2.0,
  'a joke': -1.8,
  'enough of': -1.5,
  'thanks to': 0,
  'thank to': 0,
  'talking sense': 1.8,
  'talks sense': 1.8,
  'makes sense': 1.0,
  'a fortune': 0,
  'as pawns': -1.8,
  'stand up to': 1.5,
  'standing up to': 1.5,
  'stood up to': 1.5,
  'burned out': -2.0,
  'worn out': -1.8,
};
const IDIOM_FIRST = new Map<string, string[][]>();
for (const idiom of Object.keys(IDIOMS)) {
  const words = idiom.split(' ');
  IDIOM_FIRST.set(
    words[0],
    [...(IDIOM_FIRST.get(words[0]) ?? []), words].sort((a, b) => b.length - a.length),
  );
}
const SINGLE_SARCASM = new Set(SARCASM_MARKERS.filter((m) => !m.includes(' ')));
const PHRASE_SARCASM_FIRST = new Map<string, string[][]>();
for (const marker of SARCASM_MARKERS.filter((m) => m.includes(' '))) {
  const words = marker.split(' ');
  PHRASE_SARCASM_FIRST.set(words[0], [...(PHRASE_SARCASM_FIRST.get(words[0]) ?? []), words]);
}

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** Most words are not modified: they share one empty list, and a list is made only when needed. */
const NO_MODIFIERS: string[] = [];

function withModifier(modifiers: string[], modifier: string): string[] {
  if (modifiers === NO_MODIFIERS) return [modifier];
  modifiers.push(modifier);
  return modifiers;
}

/** Everything the rules ask about one lower-case word, looked up once and cached. */
export interface WordInfo {
  /** The last stance model that asked whether a phrase starts here, and its answer (one topic at a time). */
  phraseModel: object | undefined;
  phraseStart: boolean;
  valence: number | undefined;
  elongated: boolean;
  booster: number;
  negator: boolean;
  notNegatable: boolean;
  inLexicon: boolean;
  idioms: string[][] | undefined;
  /** First word of a softening phrase ("kind" of "kind of"). */
  phraseFirst: boolean;
  /** Last word of a softening phrase ("of" of "kind of"). */
  phraseLast: boolean;
  sarcasmPhrases: string[][] | undefined;
  sarcasmWord: boolean;
}

const INFO_CACHE_LIMIT = 100_000;
const LAUGHTER: readonly (readonly [RegExp, string])[] = [
  [/^(?:ha|ah){2,}h?$/, 'haha'],
  [/^(?:he){2,}h?$/, 'hehe'],
  [/^lo+l(?:o+l)*$/, 'lol'],
  [/^lmf?ao+$/, 'lmao'],
];
const infoCache = new Map<string, WordInfo>();
const PHRASE_LAST_WORDS = new Set(Object.keys(BOOSTER_PHRASES).map((p) => p.split(' ').pop() as string));

/** The token's word info, looked up once per token. */
export function infoOf(t: Token, lex: Lexicon): WordInfo {
  return (t.info as WordInfo | undefined) ?? (t.info = wordInfo(t.lower, lex));
}

function wordInfo(lower: string, lex: Lexicon): WordInfo {
  let info = infoCache.get(lower);
  if (info) return info;
  let valence = lex.lookup(lower);
  let elongated = false;
  if (valence === undefined && lower.length > 3 && ELONGATED.test(lower)) {
    const twice = lower.replace(/(\p{L})\1{2,}/gu, '$1$1');
    valence = lex.lookup(twice) ?? lex.lookup(twice.replace(/(\p{L})\1/gu, '$1'));
    elongated = valence !== undefined;
  }
  if (valence === undefined) {
    // Laughter comes in any length: "hahahaha", "lolol", "lmaooo".
    const laugh = LAUGHTER.find(([pattern]) => pattern.test(lower));
    if (laugh) valence = lex.lookup(laugh[1]);
  }
  info = {
    phraseModel: undefined,
    phraseStart: false,
    valence,
    elongated,
    booster: lex.boosters.get(lower) ?? 0,
    negator: isNegator(lower, lex),
    notNegatable: NOT_NEGATABLE.has(lower),
    inLexicon: lex.words.has(lower),
    idioms: IDIOM_FIRST.get(lower),
    phraseFirst: PHRASE_FIRST_WORDS.has(lower),
    phraseLast: PHRASE_LAST_WORDS.has(lower),
    sarcasmPhrases: PHRASE_SARCASM_FIRST.get(lower),
    sarcasmWord: SINGLE_SARCASM.has(lower),
  };
  if (infoCache.size >= INFO_CACHE_LIMIT) infoCache.clear();
  infoCache.set(lower, info);
  return info;
}

export interface Clause {
  start: number;
  /** Exclusive. */
  end: number;
  sentence: number;
  question: boolean;
  /** Contrast weight (0.5 before "but", 1.5 after, else 1). */
  weight: number;
}

/** One token's contribution to sentiment, after every rule that changed it. */
export interface SentimentItem {
  index: number;
  text: string;
  valence: number;
  rule: 'lexicon' | 'emoji' | 'emoticon' | 'why-question';
  modifiers: string[];
  /**
   * For stance: negation reverses blame as fully as praise ("the juniors aren't the problem" defends them),
   * where for sentiment a negated complaint is only faintly positive.
   */
  stanceValence: number;
  clause: number;
}

export interface SentimentAnalysis {
  tokens: Token[];
  clauses: Clause[];
  /** Clause index of each token (−1 for boundaries); valid until the next post is analysed. */
  clauseOf: Int32Array;
  /** Tokens inside a negator's reach; valid until the next post is analysed. */
  negated: Uint8Array;
  items: SentimentItem[];
  /** Sum of the items plus emphasis. */
  sum: number;
  exclamation: number;
  compound: number;
  label: SentimentLabel;
  sarcastic: boolean;
}

export interface AnalyseOptions {
  /** Tokens whose valence does not count for this topic (its own vocabulary, such as "strike"). */
  neutral?: Uint8Array;
}

/**
 * Lexicon sentiment with the rules social media needs: clause-bounded negation with contractions,
 * boosters and dampeners, capitals, elongation, "but", questions, exclamation, emoji, emoticons and sarcasm
 * markers. The result keeps clauses and per-token contributions so that stance can aim them at targets.
 */
export function analyseSentiment(
  tokens: Token[],
  lex: Lexicon,
  mixedCase: boolean,
  exclamations: number,
  options: AnalyseOptions = {},
): SentimentAnalysis {
  const n = tokens.length;
  const { clauses, clauseOf } = segmentClauses(tokens);
  const negated = markNegation(tokens, clauseOf, lex);
  const sarcastic = hasSarcasm(tokens, lex);
  // In Title Case Headlines a capital marks nothing; elsewhere a capitalised word inside a sentence is a name.
  let words = 0;
  let titled = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.fromHashtag) continue;
    words++;
    if (t.title && t.lower !== 'i' && !t.lower.startsWith("i'")) titled++;
  }
  const titleCase = words >= 4 && titled / words > 0.4;
  let questions: Uint8Array | undefined;
  for (const c of clauses) {
    if (!c.question) continue;
    questions ??= QUESTIONS.take(n);
    questions.fill(1, c.start, c.end);
  }
  // Check-in venues and the words of a request for information count nothing (neutral-contexts.ts).
  const muted = markMuted(tokens, questions, lex, valenceOf);
  const items: SentimentItem[] = [];
  let sum = 0;

  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    let valence: number | undefined;
    let rule: SentimentItem['rule'] = 'lexicon';
    let elongated = false;
    let text = t.text;
    let span = 1;
    let info: WordInfo | undefined;
    if (t.kind === 'word') {
      info = infoOf(t, lex);
      if (info.booster !== 0 || options.neutral?.[i]) continue;
      const next = tokens[i + 1];
      if (next && info.phraseFirst && BOOSTER_PHRASES[`${t.lower} ${next.lower}`] !== undefined) {
        i++;
        continue;
      }
      const idiom = info.idioms ? matchIdiom(tokens, i, info.idioms) : undefined;
      if (t.lower === 'why' && isWhyChallenge(tokens, i, clauses, clauseOf)) {
        valence = WHY_CHALLENGE;
        rule = 'why-question';
      } else if (idiom) {
        valence = IDIOMS[idiom.join(' ')];
        span = idiom.length;
        text = tokens
          .slice(i, i + span)
          .map((x) => x.text)
          .join(' ');
      } else {
        valence = info.valence;
        elongated = info.elongated;
      }
      if (t.lower === 'pretty' && next?.kind === 'word' && infoOf(next, lex).valence !== undefined) {
        // "pretty sure", "pretty good": a softener here, not the adjective.
        continue;
      }
      if (t.lower === 'like' && !LIKE_AS_VERB_AFTER.has(tokens[i - 1]?.lower ?? '')) {
        // "looks like rain", "like a boss": a comparison, not a liking.
        continue;
      }
      if (valence !== undefined && span === 1 && info.negator) {
        // "no" is a judgement only when it negates nothing ("no good" is about "good").
        if (next && next.kind === 'word' && infoOf(next, lex).inLexicon) continue;
      }
    } else if (t.kind === 'emoji') {
      valence = lex.emoji.get(t.text);
      rule = 'emoji';
    } else if (t.kind === 'emoticon') {
      valence = emoticonValence(t.text, lex);
      rule = 'emoticon';
    }
    if (valence === undefined || valence === 0) {
      i += span - 1;
      continue;
    }
    if (muted[i] !== 0) {
      // Shown, so that the explanation says why it counted nothing.
      items.push({
        index: i,
        text,
        valence: 0,
        rule,
        modifiers: [MUTED_MODIFIER[muted[i]]],
        clause: clauseOf[i],
        stanceValence: 0,
      });
      i += span - 1;
      continue;
    }

    let modifiers: string[] = NO_MODIFIERS;
    const sign = valence > 0 ? 1 : -1;
    // Capitals are shouting in a word, an acronym in two or three letters ("FIT", "WP").
    if (t.caps && mixedCase && t.text.length > 3 && !info?.notNegatable) {
      valence += sign * CAPS_BOOST;
      modifiers = withModifier(modifiers, 'caps');
    }
    if (elongated) {
      valence += sign * ELONGATION_BOOST;
      modifiers = withModifier(modifiers, 'elongated');
    }
    const c = clauseOf[i];
    const clause = c >= 0 ? clauses[c] : undefined;
    const boost = boosterScalar(tokens, i, clause?.start ?? 0, lex, mixedCase);
    if (boost !== 0) {
      valence += sign * boost;
      modifiers = withModifier(modifiers, boost > 0 ? 'intensified' : 'dampened');
    }
    // Stance reads negation as a full reversal ("the juniors aren't the problem" defends them), where for
    // sentiment a negated complaint is only faintly positive; the two are kept apart from here on.
    let stanceValence = valence;
    if (negated[i] && rule === 'lexicon' && info && !info.notNegatable && !info.negator) {
      // "not good" is bad, but "not bad" is only a little good: negation flips praise and softens blame.
      // A strong word of loss or harm negated ("haven't processed her death") is no comfort at all.
      stanceValence = valence * NEGATION;
      valence *= valence > 0 ? NEGATION : valence <= -STRONG_NEGATIVE ? 0 : NEGATED_NEGATIVE;
      modifiers = withModifier(modifiers, 'negated');
    }
    if (sarcastic && rule === 'lexicon' && (valence > 0 || stanceValence > 0)) {
      if (valence > 0) valence = -valence * 0.5;
      if (stanceValence > 0) stanceValence = -stanceValence * 0.5;
      modifiers = withModifier(modifiers, 'sarcasm');
    }
    if (clause && clause.weight !== 1) {
      valence *= clause.weight;
      stanceValence *= clause.weight;
      modifiers = withModifier(modifiers, 'contrast');
    }
    if (clause?.question) {
      valence *= QUESTION_FACTOR;
      stanceValence *= QUESTION_FACTOR;
      modifiers = withModifier(modifiers, 'question');
    }
    if (t.title && mixedCase && !titleCase && i > 0 && !startsSentence(tokens, i)) {
      valence *= NAME_FACTOR;
      stanceValence *= NAME_FACTOR;
      modifiers = withModifier(modifiers, 'name');
    }
    if (t.fromHashtag) {
      valence *= HASHTAG_FACTOR;
      stanceValence *= HASHTAG_FACTOR;
      modifiers = withModifier(modifiers, 'hashtag');
    }
    items.push({
      index: i,
      text,
      valence,
      rule,
      modifiers,
      clause: c,
      stanceValence,
    });
    sum += valence;
    i += span - 1;
  }

  sum += reverseIronicPraise(items, tokens, clauses);

  let exclamation = 0;
  if (exclamations > 0 && (sum !== 0 || (items.length === 0 && isExcitedStatement(tokens)))) {
    // With no sentiment words at all, exclamation is excitement ("Got the tickets!").
    exclamation = (sum < 0 ? -1 : 1) * Math.min(exclamations, MAX_EXCLAMATIONS) * EXCLAMATION_STEP;
    sum += exclamation;
  }
  const compound = normalise(sum);
  return {
    tokens,
    clauses,
    clauseOf,
    negated,
    items,
    sum,
    exclamation,
    compound,
    label: compound >= LABEL_THRESHOLD ? 'positive' : compound <= -LABEL_THRESHOLD ? 'negative' : 'neutral',
    sarcastic,
  };
}

/** An emoticon's valence; a drawn-out one (":)))", "<333", "XDDD") reads as its base form. */
function emoticonValence(text: string, lex: Lexicon): number | undefined {
  const v = lex.words.get(text) ?? lex.words.get(text.toLowerCase());
  if (v !== undefined || text.length < 3) return v;
  const base = text.replace(DRAWN_OUT_END, '$1');
  return base === text ? undefined : (lex.words.get(base) ?? lex.words.get(base.toLowerCase()));
}

/** A word's lexicon valence (for the rules that mute words in context). */
function valenceOf(t: Token, lex: Lexicon): number | undefined {
  return infoOf(t, lex).valence;
}

export function normalise(sum: number): number {
  if (!Number.isFinite(sum)) return 0;
  const v = sum / Math.sqrt(sum * sum + ALPHA);
  return v < -1 ? -1 : v > 1 ? 1 : v;
}

/**
 * Clauses end at punctuation, line breaks, URLs and hashtag runs, and a contrast word starts a new one.
 * Clauses before "but" in its sentence weigh half, the rest of the sentence one and a half.
 */
function segmentClauses(tokens: Token[]): { clauses: Clause[]; clauseOf: Int32Array } {
  const clauses: Clause[] = [];
  const clauseOf = CLAUSE_OF.take(tokens.length, -1);
  let sentence = 0;
  let sentenceFirstClause = 0;
  let current: Clause | undefined;
  let inHashtag = false;
  const close = () => {
    if (current && current.end > current.start) clauses.push(current);
    current = undefined;
  };
  const endSentence = (question: boolean) => {
    close();
    if (question) for (let c = sentenceFirstClause; c < clauses.length; c++) clauses[c].question = true;
    sentence++;
    sentenceFirstClause = clauses.length;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct') {
      if (endsSentence(t)) {
        endSentence(t.lower.includes('?'));
      } else close();
      inHashtag = false;
      continue;
    }
    if (t.kind === 'url') {
      close();
      inHashtag = false;
      continue;
    }
    const hashtagPart = t.kind === 'hashtag' || t.fromHashtag;
    const contrast = t.kind === 'word' && !t.fromHashtag && CONTRAST.has(t.lower);
    const breaks = contrast || (t.kind === 'word' && !t.fromHashtag && CLAUSE_BREAKS.has(t.lower));
    if (t.kind === 'hashtag' || hashtagPart !== inHashtag || breaks) close();
    inHashtag = hashtagPart;
    if (contrast && (t.lower === 'but' || t.lower === 'however')) {
      for (let c = 0; c < clauses.length; c++) clauses[c].weight = BEFORE_CONTRAST;
      current = { start: i, end: i, sentence, question: false, weight: AFTER_CONTRAST };
    }
    if (contrast && current === undefined) {
      // "although …, …": the conceded clause counts half.
      current = { start: i, end: i, sentence, question: false, weight: BEFORE_CONTRAST };
    }
    if (!current) {
      const prev = clauses[clauses.length - 1];
      const afterBut = prev && prev.weight === AFTER_CONTRAST;
      current = { start: i, end: i, sentence, question: false, weight: afterBut ? AFTER_CONTRAST : 1 };
    }
    clauseOf[i] = clauses.length;
    current.end = i + 1;
  }
  endSentence(false);
  return { clauses, clauseOf };
}

/** Marks the words a negator reaches: the next few words of its own clause. */
function markNegation(tokens: Token[], clauseOf: Int32Array, lex: Lexicon): Uint8Array {
  const negated = NEGATED.take(tokens.length);
  let reach = 0;
  let clause = -2;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (clauseOf[i] !== clause) {
      clause = clauseOf[i];
      reach = 0;
    }
    if (t.kind !== 'word') continue;
    if (reach > 0) {
      negated[i] = 1;
      reach--;
    }
    const next = tokens[i + 1];
    if ((t.lower === 'used' && next?.lower === 'to') || (t.lower === 'no' && next?.lower === 'longer')) {
      // "I used to support…", "no longer": a stance given up.
      reach = NEGATION_REACH + 1;
      continue;
    }
    if (infoOf(t, lex).negator) {
      const pair = next ? `${t.lower} ${next.lower}` : '';
      const prev = tokens[i - 1]?.lower;
      if (NEGATION_EXCEPTIONS.has(pair)) continue;
      if (t.lower === 'least' && (prev === 'at' || prev === 'very')) continue;
      // "never so happy", "never been this good": emphasis, not negation.
      if (
        t.lower === 'never' &&
        [1, 2].some((k) => /^(so|this|\p{L}+er)$/u.test(tokens[i + k]?.lower ?? ''))
      ) {
        continue;
      }
      reach = NEGATION_REACH;
    }
  }
  return negated;
}

export function isNegator(lower: string, lex: Lexicon): boolean {
  return lex.negators.has(lower) || lower.endsWith("n't") || lower === 'least';
}

/** The booster or dampener effect of the three words before token i, fading with distance. */
function boosterScalar(
  tokens: Token[],
  i: number,
  clauseStart: number,
  lex: Lexicon,
  mixedCase: boolean,
): number {
  let scalar = 0;
  let step = 0;
  for (let j = i - 1; j >= clauseStart && step < 3; j--) {
    const t = tokens[j];
    if (t.kind !== 'word') continue;
    const info = infoOf(t, lex);
    let b = info.booster;
    if (b === 0 && info.phraseLast && j > clauseStart)
      b = BOOSTER_PHRASES[`${tokens[j - 1].lower} ${t.lower}`] ?? 0;
    if (b) {
      let s = b * BOOST;
      if (t.caps && mixedCase) s += b * CAPS_BOOST;
      scalar += s * BOOSTER_DECAY[step];
    }
    step++;
  }
  return scalar;
}

/** Words after which "like" is the verb ("I like it", "would like"); after anything else it compares. */
const LIKE_AS_VERB_AFTER = new Set(
  `i you we they u ya people who would wouldn't do don't dont didn't didnt does doesn't doesnt really also still
   totally actually kinda might will i'd we'd you'd they'd i'll we'll you'll to gonna def definitely genuinely
   honestly sincerely seriously truly must shall should could can`.split(/\s+/),
);

const THANKS = new Set(['thanks', 'thank', 'thx', 'cheers', 'ta']);
/** Words said flatly on their own to mean the opposite ("Great." after bad news). */
const IRONIC_PRAISE = new Set(
  `great yay wonderful perfect brilliant lovely fantastic awesome marvellous marvelous super nice excellent wow fab
   terrific splendid ok okay alright fine fun charming delightful superb`.split(/\s+/),
);

/**
 * Praise that means the opposite: thanks in a clause that complains ("thanks for ruining my week"), or a
 * one-word sentence of praise beside a complaint ("Forgot my phone. Great."). Returns the change to the sum.
 */
function reverseIronicPraise(items: SentimentItem[], tokens: Token[], clauses: Clause[]): number {
  let change = 0;
  let total = 0;
  for (const item of items) total += item.valence;
  for (const item of items) {
    if (item.valence <= 0 || item.rule !== 'lexicon') continue;
    const word = tokens[item.index].lower;
    let ironic: boolean;
    if (THANKS.has(word)) {
      // "thanks for ruining my week": what the thanks is for is itself a harm.
      ironic = false;
      for (let j = item.index + 1; j < Math.min(tokens.length, item.index + 5); j++) {
        if (tokens[j].lower !== 'for') continue;
        const object = items.find((o) => o.index === j + 1);
        ironic = object !== undefined && object.valence < -0.5;
        break;
      }
    } else {
      const clause = clauses[item.clause];
      const after = clause ? tokens[clause.end] : undefined;
      const flat = !after || (after.kind === 'punct' && (after.lower[0] === '.' || after.lower[0] === '…'));
      ironic =
        IRONIC_PRAISE.has(word) &&
        flat &&
        clause.end - clause.start === 1 &&
        total - item.valence < -0.5 &&
        sentenceLength(clauses, item.clause) === 1;
    }
    if (ironic) {
      const flipped = -item.valence * 0.5;
      change += flipped - item.valence;
      item.valence = flipped;
      item.stanceValence = flipped;
      item.modifiers = withModifier(item.modifiers, 'sarcasm');
    }
  }
  return change;
}

/**
 * "Why …?" asks someone to justify themselves: a challenge, mildly negative ("Why haven't you upgraded your
 * browser?", "Why do people still use fax machines?"). It counts as a word of its own.
 */
const WHY_CHALLENGE = -1.2;
/** "Why yes", "why not", "why hello": no challenge. */
const WHY_NO_CHALLENGE = new Set(['yes', 'not', 'no', 'hello', 'hi', 'thank', 'thanks']);

/** "why" opening a question (or after a vocative: "Oh @anonymous, why must you…"). */
function isWhyChallenge(tokens: Token[], i: number, clauses: Clause[], clauseOf: Int32Array): boolean {
  const c = clauseOf[i];
  if (c < 0 || !clauses[c].question) return false;
  const next = tokens[i + 1];
  if (!next || next.kind !== 'word' || WHY_NO_CHALLENGE.has(next.lower)) return false;
  const prev = tokens[i - 1];
  return !prev || prev.kind === 'mention' || prev.kind === 'punct' || prev.kind === 'url';
}

function sentenceLength(clauses: Clause[], c: number): number {
  let n = 0;
  for (const cl of clauses) if (cl.sentence === clauses[c].sentence) n += cl.end - cl.start;
  return n;
}

/** A statement of a few words that ends in "!" and asks nothing ("Got the tickets!", not "What?!"). */
function isExcitedStatement(tokens: Token[]): boolean {
  let words = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.lower.includes('?')) return false;
    if (t.kind === 'word') words++;
  }
  return words >= 2;
}

/** True when token i opens a sentence (nothing but boundaries, mentions or URLs before it in its sentence). */
function startsSentence(tokens: Token[], i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j];
    if (t.kind === 'punct') return endsSentence(t) || t.lower === ':';
    if (t.kind === 'mention' || t.kind === 'url' || t.kind === 'quote') continue;
    return false;
  }
  return true;
}

function matchIdiom(tokens: Token[], i: number, candidates: string[][]): string[] | undefined {
  for (const words of candidates) {
    let k = 1;
    while (k < words.length && tokens[i + k]?.lower === words[k]) k++;
    if (k === words.length) return words;
  }
  return undefined;
}

function hasSarcasm(tokens: Token[], lex: Lexicon): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'emoji' || t.kind === 'hashtag' || t.kind === 'punct') {
      if (SINGLE_SARCASM.has(t.lower)) return true;
      continue;
    }
    if (t.kind !== 'word') continue;
    const info = infoOf(t, lex);
    if (info.sarcasmWord) return true;
    if (info.sarcasmPhrases && matchIdiom(tokens, i, info.sarcasmPhrases)) return true;
  }
  return false;
}
