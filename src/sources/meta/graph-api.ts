import { AdapterError } from '../source-adapter.js';
import { parseRetryAfter, type HttpPlatform, type RateLimitReading } from '../http/source-http-client.js';

/** Graph API error codes that mean "slow down" (app, user, page and business-use-case throttling). */
const THROTTLED = new Set([4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008, 80009, 80014]);
/** Token problems: expired (190 / subcode 463), invalidated (460, 464), not authorised (10, 200–299). */
const AUTH_CODES = new Set([102, 190, 10]);

export interface GraphError {
  message: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

/** `{ error: { message, type, code, error_subcode, fbtrace_id } }`, or undefined for any other body. */
export function graphError(body: string): GraphError | undefined {
  try {
    const e = (JSON.parse(body) as { error?: Partial<GraphError> }).error;
    if (e && typeof e.message === 'string') return e as GraphError;
  } catch {
    // not JSON
  }
  return undefined;
}

function describe(status: number, body: string): string {
  const e = graphError(body);
  if (!e) return `HTTP ${status}`;
  const codes = [
    e.code !== undefined ? `code ${e.code}` : '',
    e.error_subcode !== undefined ? `subcode ${e.error_subcode}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `HTTP ${status} ${e.type ?? 'GraphError'}: ${e.message}${codes ? ` (${codes})` : ''}${e.fbtrace_id ? ` [fbtrace ${e.fbtrace_id}]` : ''}`;
}

/**
 * Meta sends no remaining/reset headers: it reports usage as percentages (`X-App-Usage`,
 * `X-Business-Use-Case-Usage`) and throttles at 100. The adapter pauses as usage climbs past 75 % and
 * waits out `estimated_time_to_regain_access` when Meta gives one.
 */
export function readGraphUsage(headers: Record<string, string>, now: number): RateLimitReading {
  let usage = 0;
  let regainMinutes = 0;
  const app = parseObject(headers['x-app-usage']);
  if (app) usage = Math.max(usage, ...percentages(app));
  const buc = parseObject(headers['x-business-use-case-usage']);
  if (buc) {
    for (const entries of Object.values(buc)) {
      for (const e of Array.isArray(entries) ? (entries as Record<string, unknown>[]) : []) {
        usage = Math.max(usage, ...percentages(e));
        const regain = e.estimated_time_to_regain_access;
        if (typeof regain === 'number') regainMinutes = Math.max(regainMinutes, regain);
      }
    }
  }
  const pauseMs =
    regainMinutes > 0
      ? regainMinutes * 60_000
      : usage >= 75
        ? Math.round(((Math.min(usage, 100) - 75) / 25) * 60_000)
        : 0;
  return {
    limit: app || buc ? 100 : undefined,
    remaining: app || buc ? Math.max(0, 100 - Math.round(usage)) : undefined,
    resetAt: regainMinutes > 0 ? now + regainMinutes * 60_000 : undefined,
    retryAfterMs:
      parseRetryAfter(headers['retry-after'], now) ??
      (regainMinutes > 0 ? regainMinutes * 60_000 : undefined),
    pauseMs: pauseMs > 0 ? pauseMs : undefined,
  };
}

function parseObject(value: string | undefined): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    const v = JSON.parse(value) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function percentages(o: Record<string, unknown>): number[] {
  return ['call_count', 'total_time', 'total_cputime', 'acc_id_util_pct']
    .map((k) => o[k])
    .filter((v): v is number => typeof v === 'number');
}

export function graphPlatform(name: string): HttpPlatform {
  return {
    name,
    readRateLimit: (headers, _status, now) => readGraphUsage(headers, now),
    describeError: describe,
    isRateLimited: (status, body) => {
      const code = graphError(body)?.code;
      return status >= 400 && code !== undefined && THROTTLED.has(code);
    },
    classify: (status, body) => {
      const e = graphError(body);
      const message = `${name}: ${describe(status, body)}`;
      if (!e) return undefined;
      if (e.code !== undefined && (AUTH_CODES.has(e.code) || (e.code >= 200 && e.code < 300))) {
        return new AdapterError('auth', message, undefined, { status });
      }
      return new AdapterError(status === 401 || status === 403 ? 'auth' : 'config', message, undefined, {
        status,
      });
    },
  };
}
