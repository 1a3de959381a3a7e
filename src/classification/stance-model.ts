import { HashtagSegmenter } from './hashtag-segmenter.js';
import type { Lexicon } from './lexicon.js';
import type { CompiledStance, ExplanationItem } from './post-classifier.js';
import { ScratchBytes } from './scratch.js';
import { infoOf, NEGATION, type SentimentAnalysis, type SentimentItem } from './sentiment-analyser.js';
import type { StanceConfig } from './stance-config.js';
import { type Token, tokenize } from './tokenizer.js';
import {
  HEADLINE_WORDS,
  OPINION_WORDS,
  OWN_VOICE_WORDS,
  REPORTING_WORDS,
  SARCASM_MARKERS,
} from './word-lists.js';

export type Side = 'support' | 'oppose';

interface Cue {
  term: string;
  weight: number;
  side: Side;
}

interface Target {
  name: string;
  side: Side;
  weight: number;
}

interface Phrase<T> {
  words: string[];
  value: T;
}

/** Phrases indexed by their first word, longest first, matched over consecutive tokens. */
class PhraseIndex<T> {
  readonly byFirst = new Map<string, Phrase<T>[]>();

  add(words: string[], value: T): void {
    if (words.length === 0) return;
    const list = this.byFirst.get(words[0]) ?? [];
    list.push({ words, value });
    list.sort((a, b) => b.words.length - a.words.length);
    this.byFirst.set(words[0], list);
  }

  /** The longest phrase starting at token i, with its length in tokens. */
  match(tokens: Token[], i: number): { value: T; length: number } | undefined {
    const t = tokens[i];
    const list =
      this.byFirst.get(t.lower) ??
      (t.lower.endsWith("'s") ? this.byFirst.get(t.lower.slice(0, -2)) : undefined);
    return list ? matchList(list, tokens, i) : undefined;
  }
}

function matchList<T>(
  list: Phrase<T>[],
  tokens: Token[],
  i: number,
): { value: T; length: number } | undefined {
  const fromHashtag = tokens[i].fromHashtag;
  for (const p of list) {
    let k = 1;
    while (k < p.words.length) {
      const t = tokens[i + k];
      if (!t || t.fromHashtag !== fromHashtag) break;
      if (t.lower !== p.words[k] && withoutPossessive(t.lower) !== p.words[k]) break;
      k++;
    }
    if (k === p.words.length) return { value: p.value, length: k };
  }
  return undefined;
}

/** "hunt's" → "hunt", "doctors'" is already "doctors" (the tokenizer drops a final apostrophe). */
function withoutPossessive(word: string): string {
  return word.endsWith("'s") ? word.slice(0, -2) : word;
}

const STARTS = new ScratchBytes();
const COVERED = new ScratchBytes();

export interface PhraseScan {
  /** 1 where a cue, target alias or neutral term may begin. */
  starts: Uint8Array;
  /** 1 on the topic's own vocabulary (neutral terms), when the post has any. */
  neutral: Uint8Array | undefined;
}

/** A topic's stance configuration prepared for matching. */
export class StanceModel implements CompiledStance {
  readonly cues = new PhraseIndex<Cue>();
  readonly hashtagCues = new Map<string, Cue>();
  readonly targets = new PhraseIndex<Target>();
  readonly hashtagTargets = new Map<string, Target>();
  readonly neutral = new PhraseIndex<true>();
  /** Every first word of a cue, target alias or neutral term: other tokens need no phrase matching. */
  private readonly firstWords = new Set<string>();
  readonly segmenter: HashtagSegmenter;
  readonly threshold: number;

  constructor(
    readonly config: StanceConfig,
    private readonly lex: Lexicon,
  ) {
    const sides: Side[] = ['support', 'oppose'];
    const extraWords = new Set<string>();
    const wordsOf = (phrase: string) =>
      phrase
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean);
    for (const side of sides) {
      for (const t of config[side]?.targets ?? []) {
        for (const a of t.aliases ?? []) for (const w of wordsOf(a)) extraWords.add(w);
      }
      for (const c of config[side]?.cues ?? []) for (const w of wordsOf(c.term)) extraWords.add(w);
    }
    for (const w of config.neutralTerms ?? []) for (const x of wordsOf(w)) extraWords.add(x);
    this.segmenter = new HashtagSegmenter(lex.dictionary, extraWords);

    for (const side of sides) {
      for (const t of config[side]?.targets ?? []) {
        const target: Target = { name: t.name, side, weight: finiteOr(t.weight, 1) };
        for (const alias of t.aliases ?? []) {
          const words = this.phraseWords(alias);
          if (words.hashtag) this.hashtagTargets.set(words.hashtag, target);
          else this.targets.add(words.words, target);
        }
      }
      for (const c of config[side]?.cues ?? []) {
        const cue: Cue = { term: c.term, weight: finiteOr(c.weight, 1), side };
        const words = this.phraseWords(c.term);
        if (words.hashtag) this.hashtagCues.set(words.hashtag, cue);
        else this.cues.add(words.words, cue);
      }
    }
    for (const term of config.neutralTerms ?? []) this.neutral.add(this.phraseWords(term).words, true);
    for (const index of [this.cues, this.targets, this.neutral] as PhraseIndex<unknown>[]) {
      for (const word of index.byFirst.keys()) this.firstWords.add(word);
    }
    this.threshold = finiteOr(config.threshold, 0.5);
  }

  /** True when a cue, target or neutral term may start at this token. */
  /** mayStartPhrase, remembered on the word's shared info for the model that asked last. */
  private startsPhrase(t: Token): boolean {
    const info = infoOf(t, this.lex);
    if (info.phraseModel !== this) {
      info.phraseModel = this;
      info.phraseStart = this.mayStartPhrase(t);
    }
    return info.phraseStart;
  }

  mayStartPhrase(t: Token): boolean {
    return (
      this.firstWords.has(t.lower) || (t.lower.endsWith("'s") && this.firstWords.has(t.lower.slice(0, -2)))
    );
  }

  /**
   * One pass over a post: which tokens may start a cue or target (so that scoring skips the rest), and
   * which are the topic's own vocabulary, whose dictionary sentiment does not count.
   */
  scan(tokens: Token[]): PhraseScan {
    const starts = STARTS.take(tokens.length);
    let neutral: Uint8Array | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'mention') {
        if (!this.mayStartPhrase(t)) continue;
      } else if (t.kind !== 'word' || !this.startsPhrase(t)) continue;
      starts[i] = 1;
      const m = this.neutral.match(tokens, i);
      if (!m) continue;
      neutral ??= new Uint8Array(tokens.length);
      neutral.fill(1, i, i + m.length);
    }
    return { starts, neutral };
  }

  /** Tokenises a configured term the way posts are tokenised, so that both sides match alike. */
  private phraseWords(term: string): { words: string[]; hashtag?: string } {
    const tokens = tokenize(term.trim(), this.segmenter);
    if (tokens.length > 0 && tokens[0].kind === 'hashtag') return { words: [], hashtag: tokens[0].lower };
    return { words: tokens.filter((t) => t.kind !== 'punct' && t.kind !== 'quote').map((t) => t.lower) };
  }
}

function finiteOr(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Scale of sentiment aimed at a target against cue weights (a strong word, ~2.5, counts about 1.75). */
const TARGET_SCALE = 0.7;
/** Sentiment in a clause with no target, borrowed by the nearest clause that has one. */
const CARRY_OVER = 0.5;
const DETERMINERS = new Set(
  'a an the this that these those our their his her my your its some every all any no'.split(' '),
);
const CONJUNCTIONS = new Set(['and', '&', 'or', 'nor', ',', 'plus']);
/** Words about their subject whatever follows ("doctors deserve a fair contract"). */
const SUBJECT_WORDS = new Set([
  'deserve',
  'deserves',
  'deserved',
  'deserving',
  'want',
  'wants',
  'need',
  'needs',
]);
/** Sentiment farther than NEAR tokens from its target counts less, down to FAR_FLOOR. */
const NEAR = 5;
const FAR_STEP = 0.15;
const FAR_FLOOR = 0.3;
/** Sentiment in a post whose only target is a hashtag (#juniordoctorsstrike) counts for a quarter. */
const HASHTAG_AIM = 0.25;
/** News copy and reported speech: the strong words are the story's, not the poster's. */
const REPORTED = 0.15;
/** Cue phrases in news copy are the story's words too, though less than its adjectives. */
const REPORTED_CUE = 0.5;
/** Words in quotation marks are someone else's ("'devastating', says Hunt"), or scare quotes. */
const QUOTED = 0.3;
/** A post that weighs both sides ("both sides have a point") takes neither. */
const BALANCED = 0.3;
const BALANCE_PHRASES = [
  ['both', 'sides'],
  ['each', 'side'],
  ['either', 'side'],
  ['both', 'need'],
  ['both', 'have'],
];
/** Words of feeling: their object is the target after them ("furious with Hunt"), not the one feeling. */
const EMOTION_WORDS = new Set(
  `furious angry livid fuming outraged disgusted appalled upset sad worried frustrated disappointed annoyed
   sickened horrified happy glad proud pleased delighted grateful thankful relieved
   scared afraid terrified sorry fed gutted raging seething heartbroken devastated concerned`.split(/\s+/),
);
/** Words for a hardship suffered: said of a side ("doctors are exhausted"), they are sympathy, not blame. */
const PLIGHT_WORDS = new Set(
  `tired exhausted overworked underpaid undervalued demoralised demoralized burnt burned burnout stressed
   exploited bullied mistreated struggling suffering suffer suffers vulnerable knackered hurt harmed victim
   victims betrayed ignored insulted abused attacked threatened forced pressured scapegoated vilified smeared
   demonised demonized blamed punished broke broken unpaid`.split(/\s+/),
);
const SARCASM_EMOJI = new Set(SARCASM_MARKERS.filter((m) => /\p{Extended_Pictographic}/u.test(m)));
/** 1: the poster's own voice or opinion; 2: reported speech; 3: headline words; 4: a copula. */
const VOICE = new Map<string, 1 | 2 | 3 | 4>([
  ...['is', 'are', 'was', 'were', "isn't", "aren't", "wasn't", "weren't", "it's", "that's"].map(
    (w) => [w, 4] as const,
  ),
  ...HEADLINE_WORDS.map((w) => [w, 3] as const),
  ...REPORTING_WORDS.map((w) => [w, 2] as const),
  ...[...OWN_VOICE_WORDS, ...OPINION_WORDS].map((w) => [w, 1] as const),
]);

interface Mention {
  index: number;
  /** Last token of the mention. */
  end: number;
  fromHashtag: boolean;
  text: string;
  clause: number;
  target: Target;
}

export interface StanceOutcome {
  score: number;
  explanation: ExplanationItem[];
}

/**
 * Stance = cues + sentiment aimed at targets. A cue counts for its side (against it when negated). Each
 * sentiment word is aimed at a target in its clause: a word of feeling at the target after it, any other word
 * at the nearest target before it (its subject), else the nearest one. Warmth toward a side's target counts for
 * that side and hostility for the other; hardship said of a side counts for it.
 */
export function scoreStance(a: SentimentAnalysis, model: StanceModel, scan: PhraseScan): StanceOutcome {
  const tokens = a.tokens;
  const covered = COVERED.take(tokens.length);
  const explanation: ExplanationItem[] = [];
  const mentions: Mention[] = [];
  let score = 0;
  let hashtagCueActive = false;
  const quoted = quotedTokens(tokens);
  const phraseCues: ExplanationItem[] = [];
  // News copy is decided once, and only for posts with a cue or a target.
  let reportedPost: boolean | undefined;
  const reported = () => (reportedPost ??= isReported(a));

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'hashtag') {
      const cue = model.hashtagCues.get(t.lower);
      hashtagCueActive = cue !== undefined;
      if (cue) {
        const w = sideSign(cue.side) * cue.weight;
        score += w;
        explanation.push({ kind: 'stance', text: t.text, weight: w, rule: 'cue', side: cue.side });
        covered[i] = 1;
        continue;
      }
      // A hashtag names a target only as a whole (#BMA, #JeremyHunt), not through a word inside it.
      let target = model.hashtagTargets.get(t.lower);
      if (!target) {
        let words = 0;
        while (tokens[i + 1 + words]?.fromHashtag) words++;
        const inner = words > 0 ? model.targets.match(tokens, i + 1) : undefined;
        if (inner && inner.length === words) target = inner.value;
      }
      if (target)
        mentions.push({ index: i, end: i, fromHashtag: true, text: t.text, clause: a.clauseOf[i], target });
      continue;
    }
    if (!t.fromHashtag) hashtagCueActive = false;
    if (t.kind === 'punct' || t.kind === 'url' || t.kind === 'quote') continue;
    if (t.fromHashtag && hashtagCueActive) {
      // The words of a hashtag that is itself a cue count through the cue only.
      covered[i] = 1;
      continue;
    }
    if (!scan.starts[i]) continue;
    const cue = model.cues.match(tokens, i);
    if (cue) {
      const negated = a.negated[i] === 1;
      let w = sideSign(cue.value.side) * cue.value.weight * (negated ? NEGATION : 1);
      const modifiers: string[] = [];
      if (quoted?.[i]) {
        // A slogan of one side in quotation marks is usually the other side mocking it.
        w = 0;
        modifiers.push('quoted');
      } else if (reported()) {
        w *= REPORTED_CUE;
        modifiers.push('reported');
      }
      const text = spanText(tokens, i, cue.length);
      score += w;
      const entry: ExplanationItem = {
        kind: 'stance',
        text,
        weight: w,
        rule: negated ? 'negated-cue' : 'cue',
        side: w > 0 ? 'support' : 'oppose',
      };
      if (modifiers.length) entry.modifiers = modifiers;
      explanation.push(entry);
      phraseCues.push(entry);
      covered.fill(1, i, i + cue.length);
      i += cue.length - 1;
      continue;
    }
    const target = t.fromHashtag ? undefined : model.targets.match(tokens, i);
    if (target) {
      mentions.push({
        index: i,
        end: i + target.length - 1,
        fromHashtag: false,
        text: spanText(tokens, i, target.length),
        clause: a.clauseOf[i],
        target: target.value,
      });
      covered.fill(1, i, i + target.length);
      i += target.length - 1;
    }
  }

  const weighing = (phraseCues.length > 0 || mentions.length > 0) && mentionsBothWays(tokens);
  const balanced =
    weighing &&
    (hasPhrase(tokens, BALANCE_PHRASES) ||
      (tokens.some((t) => t.lower === 'both') &&
        mentions.some((m) => m.target.side === 'support') &&
        mentions.some((m) => m.target.side === 'oppose')));
  if (balanced) {
    // "Doctors and ministers both claim to put patients first": a slogan weighed, not taken up.
    for (const e of phraseCues) {
      score -= e.weight * (1 - BALANCED);
      e.weight *= BALANCED;
      e.modifiers = [...(e.modifiers ?? []), 'balanced'];
    }
  }
  if (mentions.length > 0) {
    // The eye-roll that makes the post ironic has done its work if it reversed some praise; alone
    // ("on strike again 🙄") it is the poster's own verdict.
    const ironyApplied = a.items.some((item) => item.modifiers.includes('sarcasm'));
    for (const item of a.items) {
      // Words a context muted (a check-in's venue, a request for information) aim at nothing.
      if (covered[item.index] || item.stanceValence === 0) continue;
      // The eye-roll that makes the post ironic has done its work by reversing the praise.
      if (ironyApplied && item.rule === 'emoji' && SARCASM_EMOJI.has(item.text)) continue;
      const aim = aimAt(item, mentions, a);
      if (!aim) continue;
      let valence = item.stanceValence;
      const rules: string[] = [];
      if (aim.plight) {
        valence = -valence;
        rules.push('plight');
      }
      let w = sideSign(aim.mention.target.side) * valence * TARGET_SCALE * aim.mention.target.weight;
      const distance =
        item.index > aim.mention.end ? item.index - aim.mention.end : aim.mention.index - item.index;
      if (!aim.carried && distance > NEAR) {
        w *= Math.max(FAR_FLOOR, 1 - (distance - NEAR) * FAR_STEP);
        rules.push('distant');
      }
      if (aim.carried && !aim.pronoun) {
        w *= aim.mention.fromHashtag ? HASHTAG_AIM : CARRY_OVER;
        rules.push(aim.mention.fromHashtag ? 'topic-hashtag' : 'nearby-clause');
      } else if (aim.pronoun) {
        rules.push('pronoun');
      }
      if (reported()) {
        w *= REPORTED;
        rules.push('reported');
      }
      if (quoted?.[item.index]) {
        w *= QUOTED;
        rules.push('quoted');
      }
      if (balanced) {
        w *= BALANCED;
        rules.push('balanced');
      }
      score += w;
      const entry: ExplanationItem = {
        kind: 'stance',
        text: `${item.text} → ${aim.mention.text}`,
        weight: w,
        rule: 'target-directed',
        side: w >= 0 ? 'support' : 'oppose',
        target: aim.mention.target.name,
      };
      if (item.modifiers.length || rules.length) entry.modifiers = [...item.modifiers, ...rules];
      explanation.push(entry);
    }
  }
  return { score, explanation };
}

function sideSign(side: Side): 1 | -1 {
  return side === 'support' ? 1 : -1;
}

function spanText(tokens: Token[], i: number, length: number): string {
  if (length === 1) return tokens[i].text;
  return tokens
    .slice(i, i + length)
    .map((t) => t.text)
    .join(' ');
}

/** Which mention a sentiment word is aimed at, if any. */
function aimAt(
  item: SentimentItem,
  mentions: Mention[],
  a: SentimentAnalysis,
): { mention: Mention; carried: boolean; plight: boolean; pronoun?: boolean } | undefined {
  const word = a.tokens[item.index].lower;
  // The first target of the clause before the word is its subject ("imposing a contract on doctors is
  // worse": the contract, not the doctors).
  let before: Mention | undefined;
  let second: Mention | undefined;
  let after: Mention | undefined;
  for (const m of mentions) {
    if (m.clause !== item.clause) continue;
    if (m.index < item.index) {
      if (!before) before = m;
      else second ??= m;
    } else if (!after) after = m;
  }
  if (before || after) {
    if (EMOTION_WORDS.has(word)) {
      // The one who feels is not the one the feeling is about.
      return after ? { mention: after, carried: false, plight: false } : undefined;
    }
    // A word right before a target describes it ("a perfectly reasonable offer"); emoji react to what came
    // before them, and words of merit ("doctors deserve…") are about their subject.
    const reacts = item.rule !== 'lexicon' || SUBJECT_WORDS.has(word);
    if (after && !reacts && describes(a.tokens, item.index, after.index)) {
      // "exhausted doctors": hardship that describes a side is sympathy, as when said of it.
      return { mention: after, carried: false, plight: PLIGHT_WORDS.has(word) };
    }
    const adjacent = nearestBefore(mentions, item);
    if (adjacent && item.index - adjacent.end === 1 && item.rule === 'lexicon') {
      // "the BMA bullies": a word right after a target names it.
      return { mention: adjacent, carried: false, plight: PLIGHT_WORDS.has(word) };
    }
    if (before) {
      // "The government and the BMA agree…": both sides are the subject, so neither is the aim.
      if (
        second &&
        second.target.side !== before.target.side &&
        coordinated(a.tokens, before.end, second.index)
      ) {
        return undefined;
      }
      return { mention: before, carried: false, plight: PLIGHT_WORDS.has(word) };
    }
    return { mention: after as Mention, carried: false, plight: false };
  }
  // No target in the clause: the nearest clause (earlier first) of the same post that has one. A topic
  // hashtag at the end names the subject of the whole post, not of one clause, so it is not borrowed.
  let best: Mention | undefined;
  let bestDistance = Infinity;
  for (const m of mentions) {
    if (m.clause < 0 || m.fromHashtag) continue;
    const d = Math.abs(m.clause - item.clause) + (m.clause > item.clause ? 0.5 : 0);
    if (d < bestDistance || (d === bestDistance && m.clause < item.clause)) {
      best = m;
      bestDistance = d;
    }
  }
  if (best && bestDistance <= 2.5) {
    // "My sister is a junior doctor. She's exhausted": hardship said after the target is said of it.
    const plight = best.index < item.index && PLIGHT_WORDS.has(word);
    // "Hunt knows this. He just doesn't care": a pronoun picks up the target before it in full.
    const pronoun = best.index < item.index && clauseHasPronoun(a, item.clause);
    return { mention: best, carried: true, plight, pronoun };
  }
  if (best || PLIGHT_WORDS.has(word) || EMOTION_WORDS.has(word)) return undefined;
  // No target in the text at all: a hashtag that names one (#juniordoctorsstrike) is what the post is about.
  const tag = mentions.find((m) => m.fromHashtag);
  return tag ? { mention: tag, carried: true, plight: false } : undefined;
}

/** Tokens between quotation marks (straight quotes pair up; curly ones open and close). */
function quotedTokens(tokens: Token[]): Uint8Array | undefined {
  let marks: Uint8Array | undefined;
  let open = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'quote') {
      open = t.text === '“' ? true : t.text === '”' ? false : !open;
      continue;
    }
    if (t.kind === 'punct' && t.lower === '\n') open = false;
    if (open) {
      marks ??= new Uint8Array(tokens.length);
      marks[i] = 1;
    }
  }
  return marks;
}

function nearestBefore(mentions: Mention[], item: SentimentItem): Mention | undefined {
  let nearest: Mention | undefined;
  for (const m of mentions) if (m.clause === item.clause && m.index < item.index) nearest = m;
  return nearest;
}

const PRONOUNS = new Set([
  'he',
  'she',
  'they',
  'him',
  'her',
  'them',
  "he's",
  "she's",
  "they're",
  'his',
  'their',
]);

function clauseHasPronoun(a: SentimentAnalysis, clause: number): boolean {
  const c = a.clauses[clause];
  if (!c) return false;
  for (let i = c.start; i < c.end; i++) if (PRONOUNS.has(a.tokens[i].lower)) return true;
  return false;
}

/** A cheap first look: "both", "each" or "either" somewhere in the post. */
function mentionsBothWays(tokens: Token[]): boolean {
  for (const t of tokens) if (t.lower === 'both' || t.lower === 'each' || t.lower === 'either') return true;
  return false;
}

function hasPhrase(tokens: Token[], phrases: string[][]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    for (const p of phrases) {
      if (tokens[i].lower !== p[0]) continue;
      let k = 1;
      while (k < p.length && tokens[i + k]?.lower === p[k]) k++;
      if (k === p.length) return true;
    }
  }
  return false;
}

/** True when only determiners and describing words stand between word i and the target at j. */
function describes(tokens: Token[], i: number, j: number): boolean {
  if (j - i > 3) return false;
  for (let k = i + 1; k < j; k++) {
    const t = tokens[k];
    if (t.kind !== 'word') return false;
    if (!DETERMINERS.has(t.lower) && !/(ly|ful|ous|ive|able|ible|al|ic|less|ing|ed)$/.test(t.lower))
      return false;
  }
  return true;
}

/** True when two targets are joined as one subject ("the government and the BMA"). */
function coordinated(tokens: Token[], firstEnd: number, secondStart: number): boolean {
  if (secondStart - firstEnd > 3) return false;
  for (let k = firstEnd + 1; k < secondStart; k++) {
    if (!CONJUNCTIONS.has(tokens[k].lower) && !DETERMINERS.has(tokens[k].lower)) return false;
  }
  return true;
}

/** Copy that reports news: reporting words, and none of the poster's own voice or opinion, emoji or exclamation. */
function isReported(a: SentimentAnalysis): boolean {
  let reporting = false;
  let headline = false;
  let copula = false;
  for (const t of a.tokens) {
    if (t.kind === 'emoji' || t.kind === 'emoticon') return false;
    if (t.kind === 'punct' && (t.lower.includes('!') || t.lower.includes('?'))) return false;
    if (t.kind !== 'word' || t.fromHashtag) continue;
    const voice = VOICE.get(t.lower);
    if (voice === 1) return false;
    if (voice === 2) reporting = true;
    else if (voice === 3) headline = true;
    else if (voice === 4) copula = true;
  }
  // "Talks collapse as dispute deepens" is a headline; "Hunt is the only one talking sense in this dispute" is not.
  return reporting || (headline && !copula);
}
