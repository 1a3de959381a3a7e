import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import SentimentAnalyzer from 'natural/lib/natural/sentiment/SentimentAnalyzer.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/regexp_tokenizer.js';
import { agreement, pearson } from '../src/classification/agreement-metrics.js';
import { GroundswellClassifier } from '../src/classification/groundswell-classifier.js';
import type { StanceConfig } from '../src/classification/stance-config.js';
import { projectRoot } from '../src/project-root.js';

/**
 * `npm run eval [-- --data DIR] [-- --errors]`: sentiment on the VADER ground-truth sets and stance on the
 * #juniorcontract development set, for Groundswell and the baselines natural (AFINN) and vader-sentiment,
 * side by side. The VADER sets live outside the repository (shared/eval beside the project).
 */
type Polarity = 'positive' | 'negative' | 'neutral';
type StanceLabel = 'support' | 'oppose' | 'neutral';
const POLARITIES: Polarity[] = ['positive', 'negative', 'neutral'];
const STANCES: StanceLabel[] = ['support', 'oppose', 'neutral'];

interface Scorer {
  name: string;
  score(text: string): { value: number; label: Polarity };
}

const args = process.argv.slice(2);
const showErrors = args.includes('--errors');
const dataArg = args.indexOf('--data');
const root = projectRoot();

function findEvalDir(): string {
  if (dataArg >= 0 && args[dataArg + 1]) {
    const given = resolve(args[dataArg + 1]);
    if (existsSync(join(given, 'vader'))) return given;
    process.stderr.write(`Evaluation data not found: ${join(given, 'vader')} does not exist.\n`);
    process.exit(2);
  }
  // shared/eval sits beside the project (../shared/eval); a git worktree may sit one level deeper.
  for (let dir = root, i = 0; i < 4; i++, dir = dirname(dir)) {
    const candidate = join(dirname(dir), 'shared', 'eval');
    if (existsSync(join(candidate, 'vader'))) return candidate;
  }
  process.stderr.write(
    `Evaluation data not found: expected ${join(dirname(root), 'shared', 'eval', 'vader')} (the VADER ground-truth ` +
      `sets). Put shared/eval beside the project or pass --data <dir>.\n`,
  );
  process.exit(2);
}

const evalDir = findEvalDir();
const require = createRequire(import.meta.url);
const vader = require('vader-sentiment') as {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
};

const groundswell = new GroundswellClassifier();
const tokenizer = new WordTokenizer();
const afinn = new SentimentAnalyzer('English', undefined, 'afinn');

const scorers: Scorer[] = [
  {
    name: 'Groundswell',
    score: (text) => {
      const r = groundswell.classify({ text });
      return { value: r.sentiment, label: r.sentimentLabel };
    },
  },
  {
    name: 'natural (AFINN)',
    score: (text) => {
      const tokens = tokenizer.tokenize(text.toLowerCase());
      const v = tokens.length ? afinn.getSentiment(tokens) : 0;
      const value = Number.isFinite(v) ? v : 0;
      return { value, label: value > 0 ? 'positive' : value < 0 ? 'negative' : 'neutral' };
    },
  },
  {
    name: 'vader-sentiment',
    score: (text) => {
      const value = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
      return { value, label: value >= 0.05 ? 'positive' : value <= -0.05 ? 'negative' : 'neutral' };
    },
  },
];

function goldPolarity(mean: number): Polarity {
  return mean >= 0.2 ? 'positive' : mean <= -0.2 ? 'negative' : 'neutral';
}

const fmt = (v: number) => v.toFixed(3);
const rows: string[][] = [];
const vaderDir = join(evalDir, 'vader');
const sets = readdirSync(vaderDir)
  .filter((f) => f.endsWith('_GroundTruth.txt'))
  .sort((a, b) => (a.startsWith('tweets') ? -1 : b.startsWith('tweets') ? 1 : a.localeCompare(b)));
for (const file of sets) {
  const items = readFileSync(join(vaderDir, file), 'latin1')
    .split(/\r?\n/)
    .map((line) => line.split('\t'))
    .filter((p) => p.length >= 3 && Number.isFinite(Number(p[1])))
    .map((p) => ({ mean: Number(p[1]), text: p.slice(2).join('\t') }));
  const name = file.replace('_GroundTruth.txt', '');
  for (const s of scorers) {
    const values: number[] = [];
    const pairs: { reference: Polarity; predicted: Polarity }[] = [];
    for (const it of items) {
      const r = s.score(it.text);
      values.push(r.value);
      pairs.push({ reference: goldPolarity(it.mean), predicted: r.label });
    }
    const a = agreement(POLARITIES, pairs);
    const r = pearson(
      values,
      items.map((i) => i.mean),
    );
    rows.push([`${name} (${items.length})`, s.name, fmt(a.accuracy), fmt(a.macroF1), fmt(r)]);
  }
}

// Stance on the development set: Groundswell with the preset's stance configuration; the baselines read
// sentiment polarity as stance (positive → support, negative → oppose).
interface DevPost {
  id: string;
  text: string;
  stance: StanceLabel;
  tags?: string[];
}
const readSet = (path: string): DevPost[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as DevPost);
const devPath = join(root, 'eval', 'juniorcontract-dev.jsonl');
// The development set, which the rules were built on, and a check set written after them.
const stanceSets = readdirSync(join(root, 'eval'))
  .filter((f) => /^juniorcontract-.*\.jsonl$/.test(f))
  .sort((a, b) => (a.includes('-dev') ? -1 : b.includes('-dev') ? 1 : a.localeCompare(b)))
  .map((f) => ({ name: f.replace('.jsonl', ''), posts: readSet(join(root, 'eval', f)) }));
const preset = JSON.parse(readFileSync(join(root, 'config', 'presets', 'juniorcontract.json'), 'utf8')) as {
  stance: StanceConfig;
};
const model = groundswell.compile(preset.stance);
const polarityAsStance = (p: Polarity): StanceLabel =>
  p === 'positive' ? 'support' : p === 'negative' ? 'oppose' : 'neutral';
const stanceRows: string[][] = [];
const errors: string[] = [];
const byTag = new Map<string, { n: number; correct: number }>();
for (const set of stanceSets) {
  const isDev = set.name.endsWith('-dev');
  for (const s of scorers) {
    const pairs = set.posts.map((d) => {
      if (s.name === 'Groundswell') {
        const r = groundswell.classify({ text: d.text }, model);
        if (r.stance !== d.stance) {
          errors.push(`${d.id}\t${d.stance}\t→ ${r.stance} (${r.stanceScore})\t${d.text}`);
        }
        if (isDev) {
          for (const tag of d.tags ?? []) {
            const t = byTag.get(tag) ?? { n: 0, correct: 0 };
            t.n++;
            if (r.stance === d.stance) t.correct++;
            byTag.set(tag, t);
          }
        }
        return { reference: d.stance, predicted: r.stance };
      }
      return { reference: d.stance, predicted: polarityAsStance(s.score(d.text).label) };
    });
    const a = agreement(STANCES, pairs);
    stanceRows.push([
      `${set.name} (${set.posts.length})`,
      s.name,
      fmt(a.accuracy),
      fmt(a.macroF1),
      fmt(a.kappa),
    ]);
  }
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

process.stdout.write(`Sentiment: VADER ground truth (Hutto & Gilbert, ICWSM 2014), ${vaderDir}\n`);
process.stdout.write(
  `gold: mean ≥ 0.2 positive, ≤ −0.2 negative, else neutral; r against the mean rating\n\n`,
);
process.stdout.write(`${table(['set', 'classifier', 'accuracy', 'macro-F1', 'Pearson r'], rows)}\n\n`);
process.stdout.write(
  `Stance: ${dirname(devPath)}/juniorcontract-*.jsonl, #juniorcontract preset (baselines read sentiment polarity as stance)\n\n`,
);
process.stdout.write(`${table(['set', 'classifier', 'accuracy', 'macro-F1', 'kappa'], stanceRows)}\n\n`);
const tagRows = [...byTag.entries()]
  .sort((a, b) => a[0].localeCompare(b[0]))
  .map(([tag, t]) => [tag, String(t.n), fmt(t.correct / t.n)]);
process.stdout.write(
  `Groundswell stance accuracy by hard-case tag\n\n${table(['tag', 'posts', 'accuracy'], tagRows)}\n`,
);
if (showErrors) process.stdout.write(`\nStance errors (${errors.length}):\n${errors.join('\n')}\n`);
