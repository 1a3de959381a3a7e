import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly UTC rollups without the language dimension: four times fewer buckets and about four times fewer rows
 * per bucket than the 15-minute rollups, so a month of hourly or daily series reads a few thousand rows however
 * many posts there are. They serve every series whose bucket boundaries fall on whole UTC hours (hour, day and
 * week buckets in any zone with a whole-hour offset) and that has no language filter; the rest read `rollup`.
 *
 * Kept equal to the hourly sums of `rollup` by statement-level triggers, so every writer of `rollup` (ingestion
 * deltas, rebuilds, rescoring, repairs) keeps them right without knowing they exist.
 */
export class CreateRollupHourly1764300000001 implements MigrationInterface {
  name = 'CreateRollupHourly1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rollup_hourly (
        topic_id        bigint NOT NULL CONSTRAINT rollup_hourly_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        lexicon_version integer NOT NULL,
        bucket          timestamptz NOT NULL,
        source          text NOT NULL,
        is_repost       boolean NOT NULL,
        support         integer NOT NULL DEFAULT 0,
        oppose          integer NOT NULL DEFAULT 0,
        neutral         integer NOT NULL DEFAULT 0,
        sentiment_sum   double precision NOT NULL DEFAULT 0,
        CONSTRAINT rollup_hourly_pk PRIMARY KEY (topic_id, lexicon_version, bucket, source, is_repost)
      )`);
    // Each branch names only the transition tables its event has; the rows of a deleted topic are skipped
    // (its hourly rows go with it by cascade). Keys are applied in order so that concurrent writers cannot deadlock.
    await q.query(`
      CREATE FUNCTION rollup_hourly_follow() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO rollup_hourly AS h (topic_id, lexicon_version, bucket, source, is_repost, support, oppose, neutral, sentiment_sum)
          SELECT d.topic_id, d.lexicon_version, date_bin('1 hour', d.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'), d.source, d.is_repost,
                 sum(d.support), sum(d.oppose), sum(d.neutral), sum(d.sentiment_sum)
            FROM new_rows d JOIN topic t ON t.id = d.topic_id
           GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT ON CONSTRAINT rollup_hourly_pk DO UPDATE SET
            support = h.support + EXCLUDED.support, oppose = h.oppose + EXCLUDED.oppose,
            neutral = h.neutral + EXCLUDED.neutral, sentiment_sum = h.sentiment_sum + EXCLUDED.sentiment_sum;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO rollup_hourly AS h (topic_id, lexicon_version, bucket, source, is_repost, support, oppose, neutral, sentiment_sum)
          SELECT d.topic_id, d.lexicon_version, date_bin('1 hour', d.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'), d.source, d.is_repost,
                 sum(d.support), sum(d.oppose), sum(d.neutral), sum(d.sentiment_sum)
            FROM (SELECT topic_id, lexicon_version, bucket, source, is_repost, support, oppose, neutral, sentiment_sum FROM new_rows
                  UNION ALL
                  SELECT topic_id, lexicon_version, bucket, source, is_repost, -support, -oppose, -neutral, -sentiment_sum FROM old_rows) d
            JOIN topic t ON t.id = d.topic_id
           GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT ON CONSTRAINT rollup_hourly_pk DO UPDATE SET
            support = h.support + EXCLUDED.support, oppose = h.oppose + EXCLUDED.oppose,
            neutral = h.neutral + EXCLUDED.neutral, sentiment_sum = h.sentiment_sum + EXCLUDED.sentiment_sum;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO rollup_hourly AS h (topic_id, lexicon_version, bucket, source, is_repost, support, oppose, neutral, sentiment_sum)
          SELECT d.topic_id, d.lexicon_version, date_bin('1 hour', d.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'), d.source, d.is_repost,
                 -sum(d.support), -sum(d.oppose), -sum(d.neutral), -sum(d.sentiment_sum)
            FROM old_rows d JOIN topic t ON t.id = d.topic_id
           GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
          ON CONFLICT ON CONSTRAINT rollup_hourly_pk DO UPDATE SET
            support = h.support + EXCLUDED.support, oppose = h.oppose + EXCLUDED.oppose,
            neutral = h.neutral + EXCLUDED.neutral, sentiment_sum = h.sentiment_sum + EXCLUDED.sentiment_sum;
        ELSIF TG_OP = 'TRUNCATE' THEN
          TRUNCATE rollup_hourly;
        END IF;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`CREATE TRIGGER rollup_hourly_on_insert AFTER INSERT ON rollup
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_hourly_follow()`);
    await q.query(`CREATE TRIGGER rollup_hourly_on_update AFTER UPDATE ON rollup
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_hourly_follow()`);
    await q.query(`CREATE TRIGGER rollup_hourly_on_delete AFTER DELETE ON rollup
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_hourly_follow()`);
    await q.query(`CREATE TRIGGER rollup_hourly_on_truncate AFTER TRUNCATE ON rollup
      FOR EACH STATEMENT EXECUTE FUNCTION rollup_hourly_follow()`);
    await q.query(`
      INSERT INTO rollup_hourly (topic_id, lexicon_version, bucket, source, is_repost, support, oppose, neutral, sentiment_sum)
      SELECT topic_id, lexicon_version, date_bin('1 hour', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'), source, is_repost,
             sum(support), sum(oppose), sum(neutral), sum(sentiment_sum)
        FROM rollup GROUP BY 1, 2, 3, 4, 5`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER IF EXISTS rollup_hourly_on_${event} ON rollup`);
    }
    await q.query(`DROP FUNCTION IF EXISTS rollup_hourly_follow()`);
    await q.query(`DROP TABLE IF EXISTS rollup_hourly`);
  }
}
