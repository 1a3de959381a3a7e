import { createHash } from 'node:crypto';
import type { AdapterOptionSpec, OptionProblem } from './source-adapter.js';

/** A string option, or its spec default. */
export function stringOption(options: Record<string, unknown>, spec: AdapterOptionSpec): string {
  const v = options[spec.name];
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof spec.default === 'string') return spec.default;
  return '';
}

/** A base URL option without its trailing slash. */
export function baseUrlOption(options: Record<string, unknown>, spec: AdapterOptionSpec): string {
  return stringOption(options, spec).replace(/\/+$/, '');
}

/**
 * A key for caches of sessions and tokens: a hash of the credentials, so that the secret itself is never
 * a map key that could end up in a heap dump's readable strings or a log line.
 */
export function credentialKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Problems for a base URL that must be http(s) and carry no credentials or query. */
export function plainBaseUrlProblems(options: Record<string, unknown>, name: string): OptionProblem[] {
  const v = options[name];
  if (typeof v !== 'string') return [];
  try {
    const u = new URL(v);
    if (u.username || u.password) return [{ option: name, message: 'must not contain credentials' }];
    if (u.search) return [{ option: name, message: 'must not contain a query string' }];
  } catch {
    return [];
  }
  return [];
}

/** Splits search terms into groups whose joined form stays within a platform's query length. */
export function chunkTerms(
  terms: readonly string[],
  join: (group: string[]) => string,
  maxLength: number,
): string[] {
  const out: string[] = [];
  let group: string[] = [];
  for (const t of terms) {
    if (group.length && join([...group, t]).length > maxLength) {
      out.push(join(group));
      group = [];
    }
    group.push(t);
  }
  if (group.length) out.push(join(group));
  return out;
}

/** Quotes a phrase for search syntaxes that take "…" (X, Reddit, Bluesky). */
export function quoted(term: string): string {
  return /\s/.test(term) ? `"${term.replace(/"/g, '')}"` : term;
}

export function maxIso(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return a > b ? a : b;
}

/** Posts inside a backfill window (`since` inclusive, `until` exclusive). */
export function inWindow(at: Date, since?: Date, until?: Date): boolean {
  if (since && at < since) return false;
  if (until && at >= until) return false;
  return true;
}
