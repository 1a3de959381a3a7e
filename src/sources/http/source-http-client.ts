import axios, { type AxiosResponse } from 'axios';
import { AdapterError, type RateLimitState, type RetryPolicy } from '../source-adapter.js';
import type { Clock } from './clock.js';

export type QueryValue = string | number | boolean | readonly string[] | undefined | null;

export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: string;
  /** Appended to the URL; arrays become repeated keys (`tag=a&tag=b`). */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON bodies are sent as given; a URLSearchParams body as a form. */
  body?: string | URLSearchParams;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Non-2xx statuses handed back to the adapter instead of raised (e.g. 304, or 401 to refresh a session). */
  accept?: readonly number[];
  /** Requests that share a rate-limit bucket share a gate; by default the URL's host. */
  gate?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  rateLimit: RateLimitState;
}

/** What one platform's headers say about its limits. Times are epoch milliseconds. */
export interface RateLimitReading {
  limit?: number;
  remaining?: number;
  resetAt?: number;
  /** From `Retry-After` or the platform's equivalent, on a 429 or 503. */
  retryAfterMs?: number;
  /** Slow down before the next request (Meta's usage percentages) without a hard limit yet. */
  pauseMs?: number;
}

export interface HttpPlatform {
  name: string;
  readRateLimit(headers: Record<string, string>, status: number, now: number): RateLimitReading;
  /** Turns an error response into the platform's own message (never echoing credentials). */
  describeError(status: number, body: string): string;
  /** Statuses beyond 429 that mean "rate limited" on this platform (Meta answers throttling as 400/403). */
  isRateLimited?(status: number, body: string): boolean;
  /** Platform-specific classification of an error response; default by status. */
  classify?(status: number, body: string): AdapterError | undefined;
  userAgent?: string;
}

interface Gate {
  limit?: number;
  remaining?: number;
  resetAt?: number;
  notBefore?: number;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const MAX_RATE_LIMIT_RETRIES = 3;
const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * The one HTTP client every adapter uses: a time limit per attempt, the caller's abort signal, bounded
 * exponential backoff with full jitter on 5xx / timeouts / resets, and waits driven by the platform's own
 * rate-limit headers (before a request when the bucket is empty, and on a 429). Nothing is logged: URLs in
 * messages lose their query strings and headers are never echoed.
 */
export class SourceHttpClient {
  private readonly gates = new Map<string, Gate>();

  constructor(
    private readonly platform: HttpPlatform,
    private readonly clock: Clock,
    private readonly retry: RetryPolicy,
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = buildUrl(req.url, req.query);
    const where = `${req.method ?? 'GET'} ${safeUrl(url)}`;
    const gateKey = req.gate ?? new URL(url).host;
    let waitedMs = 0;
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      waitedMs += await this.waitForGate(gateKey, where, req.signal);
      const outcome = await this.attempt(url, req);
      if ('networkError' in outcome) {
        failures++;
        if (failures >= this.retry.maxAttempts) {
          throw new AdapterError('temporary', `${where}: ${outcome.networkError} after ${failures} attempts`);
        }
        waitedMs += await this.backoff(failures, req.signal);
        continue;
      }
      const res = outcome;
      const headers = lowerCaseHeaders(res.headers);
      const body = typeof res.data === 'string' ? res.data : String(res.data ?? '');
      const now = this.clock.now();
      const reading = this.platform.readRateLimit(headers, res.status, now);
      this.updateGate(gateKey, reading, now);
      const rateLimit = (): RateLimitState => ({
        limit: reading.limit,
        remaining: reading.remaining,
        resetAt: reading.resetAt !== undefined ? new Date(reading.resetAt) : undefined,
        waitedMs,
      });

      if (res.status === 429 || this.platform.isRateLimited?.(res.status, body)) {
        rateLimited++;
        const wait = this.rateLimitWait(reading, now, rateLimited);
        if (wait > this.retry.maxRateLimitWaitMs || rateLimited > MAX_RATE_LIMIT_RETRIES) {
          throw new AdapterError(
            'rate_limited',
            `${where}: rate limited (${this.platform.describeError(res.status, body)})`,
            wait,
            { status: res.status },
          );
        }
        await this.clock.sleep(wait, req.signal);
        waitedMs += wait;
        // The wait the platform asked for is served: the emptied bucket it reported is not waited twice.
        const gate = this.gates.get(gateKey);
        if (gate) gate.notBefore = undefined;
        continue;
      }
      if (res.status >= 500 && !req.accept?.includes(res.status)) {
        failures++;
        if (failures >= this.retry.maxAttempts) {
          throw new AdapterError(
            'temporary',
            `${where}: HTTP ${res.status} after ${failures} attempts (${this.platform.describeError(res.status, body)})`,
            reading.retryAfterMs,
            { status: res.status },
          );
        }
        const serverAsked = reading.retryAfterMs;
        if (serverAsked !== undefined && serverAsked <= this.retry.maxDelayMs) {
          await this.clock.sleep(serverAsked, req.signal);
          waitedMs += serverAsked;
        } else {
          waitedMs += await this.backoff(failures, req.signal);
        }
        continue;
      }
      if (res.status >= 300 && !req.accept?.includes(res.status)) {
        throw (
          this.platform.classify?.(res.status, body) ??
          classifyByStatus(res.status, `${where}: ${this.platform.describeError(res.status, body)}`)
        );
      }
      return { status: res.status, headers, body, rateLimit: rateLimit() };
    }
  }

  /** Rate-limit state last seen for a gate, for health reports. */
  gateState(gate: string): RateLimitState | undefined {
    const g = this.gates.get(gate);
    if (!g) return undefined;
    return {
      limit: g.limit,
      remaining: g.remaining,
      resetAt: g.resetAt !== undefined ? new Date(g.resetAt) : undefined,
    };
  }

  private async attempt(
    url: string,
    req: HttpRequest,
  ): Promise<AxiosResponse<string> | { networkError: string }> {
    if (req.signal?.aborted) throw aborted();
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      return await axios.request<string>({
        url,
        method: req.method ?? 'GET',
        headers: {
          Accept: 'application/json',
          ...(this.platform.userAgent ? { 'User-Agent': this.platform.userAgent } : {}),
          ...req.headers,
        },
        data: req.body,
        signal,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        maxRedirects: 5,
        maxContentLength: MAX_BODY_BYTES,
        proxy: false,
      });
    } catch (error) {
      if (req.signal?.aborted) throw aborted();
      if (timeout.aborted) return { networkError: `timed out after ${req.timeoutMs} ms` };
      const code = (error as { code?: string }).code ?? '';
      if (RETRYABLE_NETWORK.has(code) || /socket hang up|aborted/i.test(String(error))) {
        return { networkError: code || 'connection closed' };
      }
      if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') {
        throw new AdapterError('malformed', `${safeUrl(url)}: unreadable response (${code})`);
      }
      if (code === 'ENOTFOUND') throw new AdapterError('config', `${safeUrl(url)}: host not found`);
      return { networkError: code || (error as Error).message };
    }
  }

  private async waitForGate(key: string, where: string, signal?: AbortSignal): Promise<number> {
    const gate = this.gates.get(key);
    if (!gate?.notBefore) return 0;
    const wait = gate.notBefore - this.clock.now();
    if (wait <= 0) return 0;
    if (wait > this.retry.maxRateLimitWaitMs) {
      throw new AdapterError(
        'rate_limited',
        `${where}: rate limit exhausted until ${iso(gate.notBefore)}`,
        wait,
      );
    }
    await this.clock.sleep(wait, signal);
    gate.notBefore = undefined;
    return wait;
  }

  private updateGate(key: string, r: RateLimitReading, now: number): void {
    const gate: Gate = this.gates.get(key) ?? {};
    if (r.limit !== undefined) gate.limit = r.limit;
    if (r.remaining !== undefined) gate.remaining = r.remaining;
    if (r.resetAt !== undefined) gate.resetAt = r.resetAt;
    gate.notBefore = undefined;
    // An empty bucket: the next request waits for the reset instead of drawing a 429.
    if (r.remaining !== undefined && r.remaining <= 0 && r.resetAt !== undefined && r.resetAt > now) {
      gate.notBefore = r.resetAt;
    }
    if (r.pauseMs !== undefined && r.pauseMs > 0) {
      gate.notBefore = Math.max(gate.notBefore ?? 0, now + r.pauseMs);
    }
    this.gates.set(key, gate);
  }

  private rateLimitWait(r: RateLimitReading, now: number, attempt: number): number {
    if (r.retryAfterMs !== undefined) return Math.max(0, r.retryAfterMs);
    if (r.resetAt !== undefined && r.resetAt > now) return r.resetAt - now;
    return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
  }

  private async backoff(failures: number, signal?: AbortSignal): Promise<number> {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
    const wait = Math.round(ceiling * (0.5 + this.clock.random() / 2));
    await this.clock.sleep(wait, signal);
    return wait;
  }
}

function classifyByStatus(status: number, message: string): AdapterError {
  if (status === 401 || status === 403) return new AdapterError('auth', message, undefined, { status });
  if (status === 410) return new AdapterError('gone', message, undefined, { status });
  return new AdapterError('config', message, undefined, { status });
}

function aborted(): AdapterError {
  return new AdapterError('temporary', 'aborted by the caller');
}

export function buildUrl(base: string, query?: Record<string, QueryValue>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value as string[]) url.searchParams.append(key, v);
    else url.searchParams.append(key, String(value));
  }
  return url.toString();
}

/** The URL without its query string: query strings can carry tokens. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function lowerCaseHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[k.toLowerCase()] = v.join(', ');
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out[k.toLowerCase()] = String(v);
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `Retry-After`: delay-seconds or an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function numberHeader(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses a JSON body or raises `malformed` with the raw text for quarantine. */
export function parseJson(body: string, where: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new AdapterError('malformed', `${where}: the response is not JSON`, undefined, {
      raw: body.slice(0, 64 * 1024),
    });
  }
}

export function malformedPage(where: string, why: string, body: string): AdapterError {
  return new AdapterError('malformed', `${where}: ${why}`, undefined, { raw: body.slice(0, 64 * 1024) });
}
