/** What a topic collects: posts carrying any hashtag or keyword, minus exclusions, in the given languages. */
export interface TopicQuery {
  hashtags: string[];
  keywords: string[];
  exclude: string[];
  /** ISO 639-1 codes; empty means every language. */
  languages: string[];
}
