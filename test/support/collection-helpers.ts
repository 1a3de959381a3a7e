import type TestAgent from 'supertest/lib/agent.js';
import { ADMIN_KEY } from './test-app.js';
import { topicBody } from './topic-fixtures.js';

export const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

/** Env that makes an in-process app a fast worker: short polls, leases and retry delays. */
export const FAST_WORKER_ENV: Record<string, string> = {
  ENABLE_SCHEDULER: 'true',
  COLLECTION_POLL_MS: '100',
  COLLECTION_LEASE_MS: '3000',
  COLLECTION_RETRY_BASE_MS: '20',
};

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface RunBody {
  id: number;
  topic: string;
  adapter: string;
  kind: string;
  status: string;
  fetched: number;
  inserted: number;
  duplicates: number;
  rejected: number;
  error: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Waits until a run has ended (succeeded, partial or failed) and returns its view. */
export async function waitForRunEnd(http: TestAgent, id: number, timeoutMs = 30_000): Promise<RunBody> {
  return waitFor(
    `run ${id} to end`,
    async () => {
      const res = await http.get(`/api/v1/runs/${id}`);
      const body = res.body as RunBody;
      return ['succeeded', 'partial', 'failed'].includes(body.status) ? body : undefined;
    },
    timeoutMs,
  );
}

/** Creates a topic collected from the given fixture sources; returns its id and source ids. */
export async function createFixtureTopic(
  http: TestAgent,
  slug: string,
  sources: { adapter?: string; baseUrl: string; token?: string }[],
  extra: Record<string, unknown> = {},
): Promise<{ id: number; sourceIds: number[] }> {
  const res = await http
    .post('/api/v1/topics')
    .set(admin)
    .send(
      topicBody({
        slug,
        // Yearly, so that only the test decides when runs happen.
        schedule: '0 0 1 1 *',
        sources: sources.map((s) => ({
          adapter: s.adapter ?? 'fixture',
          options: { baseUrl: s.baseUrl, ...(s.token ? { token: s.token } : {}) },
        })),
        stance: {
          support: {
            label: 'For',
            targets: [{ name: 'Nurses', aliases: ['nurses'] }],
            cues: [{ term: '#paynurses', weight: 2 }],
          },
          oppose: { label: 'Against', targets: [], cues: [{ term: 'back to work', weight: 2 }] },
        },
        ...extra,
      }),
    );
  if (res.status !== 201)
    throw new Error(`creating topic ${slug}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, sourceIds: (res.body.sources as { id: number }[]).map((s) => s.id) };
}
