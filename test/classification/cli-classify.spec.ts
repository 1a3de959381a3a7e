import { PassThrough, Readable } from 'node:stream';
import { GroundswellClassifier } from '../../src/classification/groundswell-classifier.js';
import { classifyStream } from '../../src/cli/commands/classify.command.js';

describe('classify CLI: JSONL in, JSONL out', () => {
  const classifier = new GroundswellClassifier();
  const stance = classifier.compile({
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

  async function run(lines: string[], withStance = true) {
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const outcome = await classifyStream(
      Readable.from(lines.join('\n')),
      output,
      classifier,
      withStance ? stance : undefined,
    );
    output.end();
    const out = chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { outcome, out };
  }

  it('adds stance, sentiment and reasons to each record and passes other fields through', async () => {
    const { outcome, out } = await run([
      JSON.stringify({ id: 'a', text: 'Furious with Hunt today', extra: { keep: true } }),
      JSON.stringify({ id: 'b', text: 'Get back to work' }),
      JSON.stringify({ id: 'c', text: 'Long day', hashtags: ['notfairnotsafe'] }),
    ]);
    expect(outcome).toEqual({ lines: 3, classified: 3, errors: 0 });
    expect(out).toEqual([
      expect.objectContaining({
        id: 'a',
        extra: { keep: true },
        stance: 'support',
        sentimentLabel: 'negative',
      }),
      expect.objectContaining({ id: 'b', stance: 'oppose' }),
      expect.objectContaining({ id: 'c', stance: 'support' }),
    ]);
    expect(out[0].explanation).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'target-directed' })]),
    );
    expect(out[0].classifierVersion).toBe(classifier.version);
  });

  it('reports bad lines in place and goes on; blank lines are skipped', async () => {
    const { outcome, out } = await run(['not json', '', '[1,2]', '{"text": 5}', '{"text": "fine"}']);
    expect(outcome).toEqual({ lines: 5, classified: 1, errors: 3 });
    expect(out.slice(0, 3)).toEqual([
      expect.objectContaining({ line: 1, error: expect.any(String) }),
      expect.objectContaining({ line: 3, error: 'not an object' }),
      expect.objectContaining({ line: 4, error: '"text" must be a string' }),
    ]);
    expect(out[3]).toMatchObject({ text: 'fine', stance: 'neutral' });
  });

  it('without a stance configuration: sentiment only', async () => {
    const { out } = await run([JSON.stringify({ text: 'What a lovely day' })], false);
    expect(out[0]).toMatchObject({ sentimentLabel: 'positive' });
    expect(out[0].stance).toBeUndefined();
  });
});
