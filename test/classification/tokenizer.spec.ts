import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HashtagSegmenter } from '../../src/classification/hashtag-segmenter.js';
import { lexicon } from '../../src/classification/lexicon.js';
import { tokenize, tokenizeByExpression, type Token } from '../../src/classification/tokenizer.js';
import { projectRoot } from '../../src/project-root.js';

const segmenter = new HashtagSegmenter(lexicon().dictionary);
const shape = (tokens: Token[]) =>
  tokens.map((t) => [t.kind, t.text, t.lower, t.caps, t.title, t.fromHashtag]);

describe('tokenizer', () => {
  it('finds words with contractions, hashtags and their words, mentions, URLs, emoji, emoticons and clause marks', () => {
    const tokens = tokenize(
      "Don't stop! #ImInWorkJeremy @BMA_docs https://t.co/x 👍🏽 :-) <3 so - what…",
      segmenter,
    );
    expect(tokens.map((t) => [t.kind, t.lower])).toEqual([
      ['word', "don't"],
      ['word', 'stop'],
      ['punct', '!'],
      ['hashtag', '#iminworkjeremy'],
      ['word', 'im'],
      ['word', 'in'],
      ['word', 'work'],
      ['word', 'jeremy'],
      ['mention', '@bma_docs'],
      ['url', 'https://t.co/x'],
      ['emoji', '👍'],
      ['emoticon', ':-)'],
      ['emoticon', '<3'],
      ['word', 'so'],
      ['punct', '-'],
      ['word', 'what'],
      ['punct', '…'],
    ]);
    expect(tokenize('GREAT Stuff', segmenter).map((t) => [t.caps, t.title])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(tokenize('I don’t', segmenter)[1].lower).toBe("don't");
  });

  it('splits run-together hashtags into the fewest known words, and keeps unknown ones whole', () => {
    const words = (tag: string) => segmenter.split(tag);
    expect(words('notfairnotsafe')).toEqual(['not', 'fair', 'not', 'safe']);
    expect(words('SaveOurNHS')).toEqual(['save', 'our', 'nhs']);
    expect(words('juniordoctorsstrike')).toEqual(['junior', 'doctors', 'strike']);
    expect(words('xqzvbnm')).toEqual(['xqzvbnm']);
    expect(words('strike_day')).toEqual(['strike', 'day']);
  });

  it('the hand scan gives exactly the tokens of the regular expression', () => {
    const dev = readFileSync(join(projectRoot(), 'eval', 'juniorcontract-dev.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { text: string }).text);
    const edge = [
      "café naïve don’t don't2 it's… “quoted” – dash - dash D: D-: xD o.O :) ;-) <3 </3 ^_^ -_- http://x.y/z www.a.b",
      '#Tag @user 😀👍🏽 🏳️‍🌈 \uD800 end!!! what?! ok.:) 10:30 £5 5€ wow—ok',
      'a\u00a0-\u00a0b',
      'Do: do: it doctors’ contract rock’n’roll x’é Dodo D:',
      '',
      '   \n\n',
    ];
    for (const text of [...dev, ...edge]) {
      expect({ text, tokens: shape(tokenize(text, segmenter)) }).toEqual({
        text,
        tokens: shape(tokenizeByExpression(text, segmenter)),
      });
    }
  });
});
