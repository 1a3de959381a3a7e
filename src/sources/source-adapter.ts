import type { NormalisedPost } from './normalised-post.js';
import type { SourceBudgets } from './budget/source-budgets.js';
import type { Clock } from './http/clock.js';
import type { TopicQuery } from './topic-query.js';

/** One option an adapter takes, described for validation, the API and the dashboard's forms. */
export interface AdapterOptionSpec {
  name: string;
  type: 'string' | 'url' | 'number' | 'boolean' | 'string[]';
  required: boolean;
  /** Secret options (tokens, passwords) are stored apart, never returned and never logged. */
  secret: boolean;
  description: string;
  default?: string | number | boolean | string[];
  example?: string | number | boolean | string[];
}

export interface OptionProblem {
  /** The option's name, e.g. `instance`; `query` when the topic's query is the problem. */
  option: string;
  message: string;
}

export interface RateLimitState {
  limit?: number;
  remaining?: number;
  resetAt?: Date;
  /** How long the adapter waited (for the platform's limits) while fetching this page, in milliseconds. */
  waitedMs?: number;
}

export interface FetchPageParams<Options = Record<string, unknown>> {
  /** Options and secret options merged. */
  options: Options;
  query: TopicQuery;
  /** What the last committed page returned as `nextCursor`; undefined on a first run. */
  cursor?: unknown;
  /** A backfill window (adapters with `supportsWindow`); `since` inclusive, `until` exclusive. */
  since?: Date;
  until?: Date;
  /** Time limit of each HTTP request the page makes (retries get a fresh one). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** An item that could not be turned into a post, kept with the reason so nothing is lost silently. */
export interface RejectedItem {
  reason: string;
  raw: string;
}

/** A stretch of time the platform can no longer serve (e.g. Instagram only reaches back ~24 hours). */
export interface CoverageGap {
  from: Date;
  until: Date;
  reason: string;
}

export interface FetchPageResult {
  posts: NormalisedPost[];
  rejected: RejectedItem[];
  /** To be stored with the page, in the same transaction as its posts. Always JSON-serialisable. */
  nextCursor: unknown;
  /** True when there is nothing more to fetch now; the next run starts again from `nextCursor`. */
  exhausted: boolean;
  rateLimit?: RateLimitState;
  /** Time ranges that can no longer be collected; collection records them as coverage gaps. */
  gaps?: CoverageGap[];
}

/** A platform budget (Instagram's hashtags per 7 days, Threads' queries per 24 hours) and its use. */
export interface BudgetUsage {
  name: string;
  used: number;
  limit: number;
  windowHours: number;
  /** What is counted, e.g. the hashtags queried in the window. */
  items?: string[];
}

export interface HealthProbe {
  ok: boolean;
  detail: string;
  budgets?: BudgetUsage[];
  warnings?: string[];
}

/** What a topic asks of a source, checked when the topic is created or changed. */
export interface TopicSourceCheck<Options = Record<string, unknown>> {
  options: Options;
  query: TopicQuery;
  /** The topic's cron schedule. */
  schedule: string;
  /** The topic (on update), so that its own use of a budget is not counted twice. */
  topicId?: number;
}

export interface TopicCheckResult {
  /** Reasons to refuse the topic (answered as 400). */
  problems: OptionProblem[];
  /** Worth telling the user, but not a reason to refuse. */
  warnings: string[];
}

/** The contract every source implements. Adding a source is one file plus one entry in `ADAPTERS`. */
export interface SourceAdapter<Options = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  readonly optionSpecs: readonly AdapterOptionSpec[];
  /** Whether `since` / `until` windows are honoured (for backfills). */
  readonly supportsWindow: boolean;
  validateOptions(options: Record<string, unknown>): OptionProblem[];
  /** Budget and schedule checks that need the topic's query (and may read shared budget state). */
  checkTopic?(check: TopicSourceCheck<Options>): Promise<TopicCheckResult>;
  health(options: Options, signal?: AbortSignal): Promise<HealthProbe>;
  fetchPage(params: FetchPageParams<Options>): Promise<FetchPageResult>;
}

/** What every adapter is built with: shared budget state, time, and HTTP retry policy. */
export interface AdapterContext {
  budgets: SourceBudgets;
  clock: Clock;
  retry: RetryPolicy;
}

export interface RetryPolicy {
  /** Attempts per request for 5xx, timeouts and resets (the first try included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longer rate-limit waits are not slept through: the page fails as `rate_limited` with the wait. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRateLimitWaitMs: 60_000,
};

/** Builds an adapter; `ADAPTERS` lists these. */
export type AdapterFactory = new (context: AdapterContext) => SourceAdapter;

/**
 * Error classes an adapter raises, mapped to what collection does about them:
 * - `auth`: credentials refused or expired → the source needs attention (no retry storm)
 * - `rate_limited`: wait `retryAfterMs`, then carry on
 * - `temporary`: 5xx, timeouts, resets after bounded retries → the page fails, earlier pages stay
 * - `malformed`: the platform answered something unreadable → quarantine `raw` with the reason
 * - `config`: the options or the query are wrong (bad instance, unknown subreddit) → needs attention
 * - `gone`: the thing collected no longer exists → discard
 */
export type AdapterErrorKind = 'temporary' | 'rate_limited' | 'auth' | 'malformed' | 'gone' | 'config';

export interface AdapterErrorDetails {
  /** The HTTP status the platform answered, when there was one. */
  status?: number;
  /** The unreadable body (truncated) for quarantine; never contains request credentials. */
  raw?: string;
}

export class AdapterError extends Error {
  constructor(
    readonly kind: AdapterErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    readonly details: AdapterErrorDetails = {},
  ) {
    super(message);
    this.name = 'AdapterError';
  }
}
