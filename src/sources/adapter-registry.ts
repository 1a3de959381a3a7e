import { Inject, Injectable, Optional } from '@nestjs/common';
import { BlueskyAdapter } from './bluesky/bluesky.adapter.js';
import { SOURCE_BUDGETS, type SourceBudgets } from './budget/source-budgets.js';
import { systemClock } from './http/clock.js';
import { InstagramAdapter } from './instagram/instagram.adapter.js';
import { MastodonAdapter } from './mastodon/mastodon.adapter.js';
import { RedditAdapter } from './reddit/reddit.adapter.js';
import { RssAdapter } from './rss/rss.adapter.js';
import {
  DEFAULT_RETRY_POLICY,
  type AdapterContext,
  type AdapterFactory,
  type AdapterOptionSpec,
  type OptionProblem,
  type SourceAdapter,
  type TopicCheckResult,
  type TopicSourceCheck,
} from './source-adapter.js';
import { ThreadsAdapter } from './threads/threads.adapter.js';
import { XAdapter } from './x/x.adapter.js';

/** Every installed adapter, in one list. Adding a source: write `<name>/<name>.adapter.ts` and add it here. */
export const ADAPTERS: readonly AdapterFactory[] = [
  MastodonAdapter,
  BlueskyAdapter,
  XAdapter,
  RedditAdapter,
  RssAdapter,
  InstagramAdapter,
  ThreadsAdapter,
];

/** Context overrides (tests inject a clock and a fast retry policy). */
export const ADAPTER_CONTEXT = Symbol('ADAPTER_CONTEXT');

/** Nest token for adapters added beside ADAPTERS (test doubles, plugins): provide a SourceAdapter[]. */
export const EXTRA_ADAPTERS = Symbol('EXTRA_ADAPTERS');

@Injectable()
export class AdapterRegistry {
  private readonly byName: Map<string, SourceAdapter>;

  constructor(
    @Inject(SOURCE_BUDGETS) budgets: SourceBudgets,
    @Optional() @Inject(ADAPTER_CONTEXT) overrides?: Partial<AdapterContext>,
    @Optional() @Inject(EXTRA_ADAPTERS) extra: readonly SourceAdapter[] = [],
  ) {
    const context: AdapterContext = {
      budgets,
      clock: systemClock,
      retry: DEFAULT_RETRY_POLICY,
      ...overrides,
    };
    // One instance per adapter for the whole process: sessions, tokens and rate-limit gates are shared.
    const installed = ADAPTERS.map((Factory) => new Factory(context));
    this.byName = new Map<string, SourceAdapter>([...installed, ...extra].map((a) => [a.name, a]));
  }

  list(): SourceAdapter[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): SourceAdapter {
    const adapter = this.byName.get(name);
    if (!adapter) throw new Error(`Unknown adapter "${name}"`);
    return adapter;
  }

  /** Checks option names and types against the adapter's specs, then the adapter's own rules. */
  validate(name: string, options: Record<string, unknown>): OptionProblem[] {
    const adapter = this.get(name);
    const specs = new Map(adapter.optionSpecs.map((s) => [s.name, s]));
    const problems: OptionProblem[] = [];
    for (const key of Object.keys(options)) {
      if (!specs.has(key)) problems.push({ option: key, message: `${name} has no option "${key}"` });
    }
    for (const spec of specs.values()) {
      const value = options[spec.name];
      if (value === undefined || value === null) {
        if (spec.required) problems.push({ option: spec.name, message: 'is required' });
        continue;
      }
      const typeProblem = checkType(spec, value);
      if (typeProblem) problems.push({ option: spec.name, message: typeProblem });
    }
    return problems.length ? problems : adapter.validateOptions(options);
  }

  /**
   * The checks that need the topic and shared state (Instagram's hashtag budget, schedule reach). Call after
   * `validate` passed; `problems` refuse the topic, `warnings` are for the user.
   */
  async checkTopic(name: string, check: TopicSourceCheck): Promise<TopicCheckResult> {
    const adapter = this.get(name);
    return adapter.checkTopic ? adapter.checkTopic(check) : { problems: [], warnings: [] };
  }

  /** Splits options into what may be shown and what must be kept secret. */
  split(
    name: string,
    options: Record<string, unknown>,
  ): { plain: Record<string, unknown>; secret: Record<string, unknown> } {
    const secretNames = new Set(
      this.get(name)
        .optionSpecs.filter((s) => s.secret)
        .map((s) => s.name),
    );
    const plain: Record<string, unknown> = {};
    const secret: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) (secretNames.has(k) ? secret : plain)[k] = v;
    return { plain, secret };
  }
}

function checkType(spec: AdapterOptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' && value.length > 0 ? undefined : 'must be a non-empty string';
    case 'url':
      if (typeof value !== 'string') return 'must be a URL';
      try {
        const u = new URL(value);
        return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'must be an http(s) URL';
      } catch {
        return 'must be a URL';
      }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? undefined
        : 'must be a list of strings';
  }
}
