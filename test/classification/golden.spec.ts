import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GroundswellClassifier } from '../../src/classification/groundswell-classifier.js';
import type { ExplanationItem } from '../../src/classification/post-classifier.js';
import type { StanceConfig } from '../../src/classification/stance-config.js';
import { projectRoot } from '../../src/project-root.js';

interface Reason {
  text?: string;
  rule?: string;
  side?: string;
  target?: string;
  modifier?: string;
  noModifier?: string;
}
interface SentimentCase {
  rule: string;
  text: string;
  label: string;
  reason?: Reason;
}
interface StanceCase {
  rule: string;
  text: string;
  stance: string;
  reason?: Reason;
}

const fixtures = join(projectRoot(), 'test', 'classification', 'fixtures');
const load = <T>(name: string): T[] =>
  (JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as { cases: T[] }).cases;
const preset = JSON.parse(
  readFileSync(join(projectRoot(), 'config', 'presets', 'juniorcontract.json'), 'utf8'),
) as {
  stance: StanceConfig;
};

const classifier = new GroundswellClassifier();
const model = classifier.compile(preset.stance);

/** The explanation item the case names, or a readable failure listing what the explanation holds. */
function findReason(explanation: ExplanationItem[], reason: Reason): ExplanationItem | undefined {
  return explanation.find(
    (e) =>
      (reason.text === undefined || e.text === reason.text || e.text.startsWith(`${reason.text} `)) &&
      (reason.rule === undefined || e.rule === reason.rule) &&
      (reason.side === undefined || e.side === reason.side) &&
      (reason.target === undefined || e.target === reason.target) &&
      (reason.modifier === undefined || (e.modifiers ?? []).includes(reason.modifier)),
  );
}

describe('sentiment rules (golden cases)', () => {
  it.each(load<SentimentCase>('sentiment-golden.json').map((c) => [c.rule, c.text, c] as const))(
    '%s: %s',
    (_rule, text, c) => {
      const r = classifier.classify({ text });
      expect({ text, label: r.sentimentLabel }).toEqual({ text, label: c.label });
      expect(r.sentiment).toBeGreaterThanOrEqual(-1);
      expect(r.sentiment).toBeLessThanOrEqual(1);
      if (c.reason) {
        const item = findReason(r.explanation, c.reason);
        expect({ reason: c.reason, found: item !== undefined, explanation: r.explanation }).toMatchObject({
          found: true,
        });
        if (c.reason.noModifier) expect(item?.modifiers ?? []).not.toContain(c.reason.noModifier);
      }
    },
  );
});

describe('stance rules (golden cases, #juniorcontract preset)', () => {
  it.each(load<StanceCase>('stance-golden.json').map((c) => [c.rule, c.text, c] as const))(
    '%s: %s',
    (_rule, text, c) => {
      const r = classifier.classify({ text }, model);
      expect({ text, stance: r.stance, explanation: r.explanation }).toMatchObject({
        text,
        stance: c.stance,
      });
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      if (c.reason) {
        expect({
          found: findReason(r.explanation, c.reason) !== undefined,
          explanation: r.explanation,
        }).toMatchObject({
          found: true,
        });
      }
    },
  );
});

describe('rule directions', () => {
  const score = (text: string) => classifier.classify({ text }).sentiment;

  it('capitals, elongation, boosters and exclamation each strengthen, dampeners weaken', () => {
    expect(score('The food was GOOD today')).toBeGreaterThan(score('The food was good today'));
    expect(score('goooood')).toBeGreaterThan(score('good'));
    expect(score('very good')).toBeGreaterThan(score('good'));
    expect(score('good!!!')).toBeGreaterThan(score('good'));
    expect(score('slightly good')).toBeLessThan(score('good'));
  });

  it('negation stops at the end of its clause', () => {
    expect(score("I don't think so, it's great")).toBeGreaterThan(0);
    expect(score("I don't think it's great")).toBeLessThan(0);
  });

  it('after "but" the later clause outweighs the earlier', () => {
    expect(score('good but bad')).toBeLessThan(0);
    expect(score('bad but good')).toBeGreaterThan(0);
  });

  it('hashtags split by capitals or into known words', () => {
    const r = classifier.classify({ text: '#ImInWorkJeremy' }, model);
    expect(r.explanation).toContainEqual(expect.objectContaining({ rule: 'cue', text: '#ImInWorkJeremy' }));
    const tagOnly = classifier.classify({ text: 'Awful day', hashtags: ['notfairnotsafe'] }, model);
    expect(tagOnly.stance).toBe('support');
  });

  it('confidence grows with the evidence', () => {
    const weak = classifier.classify({ text: 'Hunt is wrong' }, model);
    const strong = classifier.classify(
      { text: 'Hunt is wrong, dishonest and reckless #notfairnotsafe #ImInWorkJeremy' },
      model,
    );
    expect(weak.stance).toBe('support');
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
  });

  it('a version names the rules and the lexicon data', () => {
    expect(classifier.version).toMatch(/^groundswell-\d+\.\d+\.\d+\+v\d+-a\d+-p\d+-s\d+-e\d+-m\d+$/);
  });
});
