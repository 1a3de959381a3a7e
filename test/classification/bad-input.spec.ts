import { GroundswellClassifier } from '../../src/classification/groundswell-classifier.js';
import type { ClassificationResult } from '../../src/classification/post-classifier.js';
import { MAX_CLASSIFIED_CHARS, normaliseText } from '../../src/classification/text-normaliser.js';

const classifier = new GroundswellClassifier();
const model = classifier.compile({
  support: {
    label: 'For',
    targets: [{ name: 'Doctors', aliases: ['doctors'] }],
    cues: [{ term: '#notfairnotsafe', weight: 2 }],
  },
  oppose: {
    label: 'Against',
    targets: [{ name: 'Hunt', aliases: ['hunt'] }],
    cues: [{ term: 'back to work', weight: 2 }],
  },
});

function expectWellFormed(r: ClassificationResult): void {
  for (const v of [r.sentiment, r.stanceScore, r.confidence, ...r.explanation.map((e) => e.weight)]) {
    expect(Number.isFinite(v)).toBe(true);
  }
  expect(r.sentiment).toBeGreaterThanOrEqual(-1);
  expect(r.sentiment).toBeLessThanOrEqual(1);
  expect(r.confidence).toBeGreaterThanOrEqual(0);
  expect(r.confidence).toBeLessThanOrEqual(1);
  expect(['support', 'oppose', 'neutral']).toContain(r.stance);
  expect(['positive', 'negative', 'neutral']).toContain(r.sentimentLabel);
  expect(() => JSON.stringify(r)).not.toThrow();
}

describe('bad input never crashes or yields NaN', () => {
  it('empty text and whitespace: neutral, no reasons', () => {
    for (const text of ['', '   ', '\n\n\t']) {
      const r = classifier.classify({ text }, model);
      expectWellFormed(r);
      expect(r).toMatchObject({
        stance: 'neutral',
        sentiment: 0,
        sentimentLabel: 'neutral',
        explanation: [],
      });
    }
  });

  it('only emoji, only URLs, only punctuation', () => {
    const emoji = classifier.classify({ text: '😡😡😡' }, model);
    expectWellFormed(emoji);
    expect(emoji.sentimentLabel).toBe('negative');
    for (const text of [
      'https://example.org/a https://t.co/xyz www.example.com',
      '!!!???...',
      '#',
      '@',
      '🏳️‍🌈👨‍👩‍👧',
    ]) {
      expectWellFormed(classifier.classify({ text }, model));
    }
  });

  it('100 KB of text: bounded work and a bounded explanation', () => {
    const text = 'Hunt is awful and doctors are wonderful. '.repeat(2600); // ≈ 106 KB
    expect(text.length).toBeGreaterThan(100_000);
    const r = classifier.classify({ text }, model);
    expectWellFormed(r);
    expect(r.explanation.length).toBeLessThanOrEqual(40);
    expect(normaliseText(text).length).toBe(MAX_CLASSIFIED_CHARS);
  });

  it('invalid Unicode (lone surrogates), control characters and NUL', () => {
    const text = 'good \uD800 bad \uDC00 \u0000 ok \u0007 \uFFFF';
    const r = classifier.classify({ text }, model);
    expectWellFormed(r);
    expect(normaliseText('a\uD800b')).toBe('a\uFFFDb');
    expect(normaliseText('😀')).toBe('😀');
    // A surrogate pair cut in half at the length limit is repaired, not passed on.
    const cut = normaliseText(`${'x'.repeat(MAX_CLASSIFIED_CHARS - 1)}😀`);
    expect(cut.endsWith('\uFFFD')).toBe(true);
  });

  it('not a string, odd hashtags, odd entities', () => {
    expectWellFormed(classifier.classify({ text: undefined as unknown as string }, model));
    expectWellFormed(
      classifier.classify(
        { text: 'x', hashtags: ['', '#', 'a'.repeat(500), 42 as unknown as string] },
        model,
      ),
    );
    expectWellFormed(classifier.classify({ text: '&#0; &#xD800; &#99999999; &amp;&amp;' }, model));
  });

  it('a stance configuration with nothing in it', () => {
    const empty = classifier.compile({
      support: { label: 'a', targets: [], cues: [] },
      oppose: { label: 'b', targets: [], cues: [] },
    });
    const r = classifier.classify({ text: 'Great news!' }, empty);
    expectWellFormed(r);
    expect(r.stance).toBe('neutral');
  });
});
