// Types for the parts of natural imported by path (its index pulls in storage back ends we do not use).
declare module 'natural/lib/natural/sentiment/SentimentAnalyzer.js' {
  export default class SentimentAnalyzer {
    constructor(language: string, stemmer: unknown, type: 'afinn' | 'senticon' | 'pattern');
    getSentiment(words: string[]): number;
  }
}
declare module 'natural/lib/natural/tokenizers/regexp_tokenizer.js' {
  export class WordTokenizer {
    tokenize(text: string): string[];
  }
  export class RegexpTokenizer {
    constructor(options: { pattern: RegExp; gaps?: boolean });
    tokenize(text: string): string[];
  }
}
