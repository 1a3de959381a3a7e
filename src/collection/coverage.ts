import type { EntityManager } from 'typeorm';

export type CoverageStatus = 'ok' | 'partial' | 'rate_limited' | 'failed';

/** A live run's window reaches back at most this far (a first run may find posts months old). */
const LIVE_WINDOW_LIMIT = `interval '90 days'`;

/**
 * Records what a run saw for each 15-minute bucket of its window (`from` to now, or to `to`), so that a series
 * can tell a quiet hour from a missing one. `ok` always wins; a worse status never overwrites an `ok` bucket
 * that an earlier run collected completely, and otherwise the latest run's status stands.
 */
export async function recordCoverage(
  m: EntityManager,
  window: { topicSourceId: number; runId: number; from: Date; to: Date | null; live: boolean },
  status: CoverageStatus,
): Promise<void> {
  await m.query(
    `INSERT INTO source_coverage AS c (topic_source_id, bucket, status, run_id, updated_at)
     SELECT $1, b, $4, $5, now()
       FROM generate_series(
              to_timestamp(floor(extract(epoch FROM
                CASE WHEN $6::boolean THEN GREATEST($2::timestamptz, now() - ${LIVE_WINDOW_LIMIT}) ELSE $2::timestamptz END
              ) / 900) * 900),
              COALESCE($3::timestamptz, now()) - interval '1 microsecond',
              interval '15 minutes') AS b
     ON CONFLICT ON CONSTRAINT source_coverage_pk DO UPDATE SET
       status = CASE WHEN c.status = 'ok' AND EXCLUDED.status <> 'ok' THEN c.status ELSE EXCLUDED.status END,
       run_id = CASE WHEN c.status = 'ok' AND EXCLUDED.status <> 'ok' THEN c.run_id ELSE EXCLUDED.run_id END,
       updated_at = now()`,
    [
      window.topicSourceId,
      window.from.toISOString(),
      window.to?.toISOString() ?? null,
      status,
      window.runId,
      window.live,
    ],
  );
}

/**
 * Marks time an adapter says can no longer be collected (e.g. Instagram's recent_media reaches back only about
 * 24 hours) as failed. Called after the run's own window is recorded, so the gap is not painted over by that
 * window's `ok`; a bucket another run collected completely stays `ok`.
 */
export async function recordGap(
  m: EntityManager,
  gap: { topicSourceId: number; runId: number; from: Date; until: Date },
): Promise<void> {
  await m.query(
    `INSERT INTO source_coverage AS c (topic_source_id, bucket, status, run_id, updated_at)
     SELECT $1, b, 'failed', $4, now()
       FROM generate_series(to_timestamp(floor(extract(epoch FROM $2::timestamptz) / 900) * 900),
                            $3::timestamptz - interval '1 microsecond', interval '15 minutes') AS b
     ON CONFLICT ON CONSTRAINT source_coverage_pk DO UPDATE SET status = 'failed', run_id = EXCLUDED.run_id, updated_at = now()
       WHERE c.status <> 'ok' OR c.run_id = EXCLUDED.run_id`,
    [gap.topicSourceId, gap.from.toISOString(), gap.until.toISOString(), gap.runId],
  );
}
