import { HashtagSegmenter } from './hashtag-segmenter.js';
import { type Lexicon, lexicon } from './lexicon.js';
import type {
  ClassificationResult,
  ClassifierInput,
  CompiledStance,
  ExplanationItem,
  PostClassifier,
  Stance,
} from './post-classifier.js';
import { analyseSentiment } from './sentiment-analyser.js';
import type { StanceConfig } from './stance-config.js';
import { scoreStance, StanceModel } from './stance-model.js';
import { normaliseText } from './text-normaliser.js';
import { hasMixedCase, makeToken, tokenize } from './tokenizer.js';

/** Bump when rules or word lists change: stored classifications name the version that made them. */
export const CLASSIFIER_RULES_VERSION = '1.1.0';
/** Explanations keep the strongest reasons only, so that a 100 KB post stores a bounded explanation. */
const MAX_EXPLANATION = 40;

/**
 * Groundswell's classifier: lexicon sentiment with social-media rules, and stance from a topic's cues and
 * from sentiment aimed at its sides' targets, with every reason kept. Free of Nest (the module provides it by
 * factory) so that the CLI, the benchmarks and the eval load it in a few tens of milliseconds.
 */
export class GroundswellClassifier implements PostClassifier {
  readonly version: string;
  private readonly lex: Lexicon;
  private readonly segmenter: HashtagSegmenter;

  constructor() {
    this.lex = lexicon();
    this.segmenter = new HashtagSegmenter(this.lex.dictionary);
    this.version = `groundswell-${CLASSIFIER_RULES_VERSION}+${this.lex.fingerprint}`;
  }

  compile(config: StanceConfig): StanceModel {
    return new StanceModel(config, this.lex);
  }

  classify(input: ClassifierInput, compiled?: CompiledStance): ClassificationResult {
    const model =
      compiled instanceof StanceModel ? compiled : compiled ? this.compile(compiled.config) : undefined;
    const text = normaliseText(input?.text);
    const tokens = tokenize(text, model?.segmenter ?? this.segmenter);
    addMissingHashtags(tokens, input?.hashtags, model?.segmenter ?? this.segmenter);
    const scan = model?.scan(tokens);
    const analysis = analyseSentiment(tokens, this.lex, hasMixedCase(text), countExclamations(text), {
      neutral: scan?.neutral,
    });

    const explanation: ExplanationItem[] = analysis.items.map((item) => {
      const e: ExplanationItem = {
        kind: 'sentiment',
        text: item.text,
        weight: round(item.valence),
        rule: item.rule,
      };
      if (item.modifiers.length) e.modifiers = item.modifiers;
      return e;
    });
    if (analysis.exclamation !== 0) {
      explanation.push({
        kind: 'sentiment',
        text: '!',
        weight: round(analysis.exclamation),
        rule: 'exclamation',
      });
    }

    let stance: Stance = 'neutral';
    let stanceScore = 0;
    let confidence = 1;
    if (model && scan) {
      const outcome = scoreStance(analysis, model, scan);
      stanceScore = Number.isFinite(outcome.score) ? outcome.score : 0;
      for (const e of outcome.explanation) {
        e.weight = round(e.weight);
        // A cue that counted nothing stays when a rule says why (a quoted slogan).
        if (e.weight !== 0 || e.modifiers?.length) explanation.push(e);
      }
      const threshold = model.threshold;
      const magnitude = Math.abs(stanceScore);
      if (magnitude >= threshold && magnitude > 0) {
        stance = stanceScore > 0 ? 'support' : 'oppose';
        // 0.5 at the threshold, rising toward 1 as the evidence grows.
        confidence = 1 - 0.5 * Math.exp(-(magnitude - threshold));
      } else {
        confidence = threshold > 0 ? 1 - 0.5 * (magnitude / threshold) : 1;
      }
    }
    return {
      stance,
      stanceScore: round(stanceScore),
      confidence: round(confidence),
      sentiment: round(analysis.compound),
      sentimentLabel: analysis.label,
      explanation: trimExplanation(explanation),
    };
  }
}

/** Hashtags the source reported but the text lacks (some platforms keep them apart) still count. */
function addMissingHashtags(
  tokens: ReturnType<typeof tokenize>,
  hashtags: readonly string[] | undefined,
  segmenter: HashtagSegmenter,
): void {
  if (!hashtags?.length) return;
  const present = new Set<string>();
  for (const t of tokens) if (t.kind === 'hashtag') present.add(t.lower);
  for (const h of hashtags) {
    if (typeof h !== 'string' || h.length === 0 || h.length > 200) continue;
    const tag = `#${h.replace(/^#/, '').toLowerCase()}`;
    if (present.has(tag)) continue;
    present.add(tag);
    tokens.push(makeToken('punct', '\n', '\n'));
    tokens.push(makeToken('hashtag', tag, tag));
    for (const w of segmenter.split(tag.slice(1))) tokens.push(makeToken('word', w, w, true));
  }
}

function countExclamations(text: string): number {
  let n = 0;
  for (let i = text.indexOf('!'); i !== -1 && n < 10; i = text.indexOf('!', i + 1)) n++;
  return n;
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0;
}

function trimExplanation(items: ExplanationItem[]): ExplanationItem[] {
  if (items.length <= MAX_EXPLANATION) return items;
  return [...items].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, MAX_EXPLANATION);
}
