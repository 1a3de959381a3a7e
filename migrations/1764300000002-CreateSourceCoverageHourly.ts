import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Collection coverage counted per topic source and UTC hour (slots ok / partial or rate-limited / failed), so
 * that a month of hourly or daily coverage reads 720 rows per source instead of 2,880. Kept equal to the counts
 * of `source_coverage` by statement-level triggers, whoever writes it.
 */
export class CreateSourceCoverageHourly1764300000002 implements MigrationInterface {
  name = 'CreateSourceCoverageHourly1764300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source_coverage_hourly (
        topic_source_id bigint NOT NULL
          CONSTRAINT source_coverage_hourly_topic_source_fk REFERENCES topic_source(id) ON DELETE CASCADE,
        bucket          timestamptz NOT NULL,
        ok              integer NOT NULL DEFAULT 0,
        partial         integer NOT NULL DEFAULT 0,
        failed          integer NOT NULL DEFAULT 0,
        CONSTRAINT source_coverage_hourly_pk PRIMARY KEY (topic_source_id, bucket)
      )`);
    // A row counts +1 in its status when it appears and -1 when it goes; an update is both.
    const apply = (rows: string) => `
          INSERT INTO source_coverage_hourly AS h (topic_source_id, bucket, ok, partial, failed)
          SELECT d.topic_source_id, date_bin('1 hour', d.bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
                 COALESCE(sum(d.sign) FILTER (WHERE d.status = 'ok'), 0),
                 COALESCE(sum(d.sign) FILTER (WHERE d.status IN ('partial', 'rate_limited')), 0),
                 COALESCE(sum(d.sign) FILTER (WHERE d.status = 'failed'), 0)
            FROM (${rows}) d JOIN topic_source s ON s.id = d.topic_source_id
           GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT ON CONSTRAINT source_coverage_hourly_pk DO UPDATE SET
            ok = h.ok + EXCLUDED.ok, partial = h.partial + EXCLUDED.partial, failed = h.failed + EXCLUDED.failed`;
    const added = `SELECT topic_source_id, bucket, status, 1 AS sign FROM new_rows`;
    const removed = `SELECT topic_source_id, bucket, status, -1 AS sign FROM old_rows`;
    await q.query(`
      CREATE FUNCTION source_coverage_hourly_follow() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN${apply(added)};
        ELSIF TG_OP = 'UPDATE' THEN${apply(`${added} UNION ALL ${removed}`)};
        ELSIF TG_OP = 'DELETE' THEN${apply(removed)};
        ELSIF TG_OP = 'TRUNCATE' THEN
          TRUNCATE source_coverage_hourly;
        END IF;
        RETURN NULL;
      END
      $fn$`);
    await q.query(`CREATE TRIGGER source_coverage_hourly_on_insert AFTER INSERT ON source_coverage
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION source_coverage_hourly_follow()`);
    await q.query(`CREATE TRIGGER source_coverage_hourly_on_update AFTER UPDATE ON source_coverage
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION source_coverage_hourly_follow()`);
    await q.query(`CREATE TRIGGER source_coverage_hourly_on_delete AFTER DELETE ON source_coverage
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION source_coverage_hourly_follow()`);
    await q.query(`CREATE TRIGGER source_coverage_hourly_on_truncate AFTER TRUNCATE ON source_coverage
      FOR EACH STATEMENT EXECUTE FUNCTION source_coverage_hourly_follow()`);
    await q.query(`
      INSERT INTO source_coverage_hourly (topic_source_id, bucket, ok, partial, failed)
      SELECT topic_source_id, date_bin('1 hour', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
             count(*) FILTER (WHERE status = 'ok'),
             count(*) FILTER (WHERE status IN ('partial', 'rate_limited')),
             count(*) FILTER (WHERE status = 'failed')
        FROM source_coverage GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER IF EXISTS source_coverage_hourly_on_${event} ON source_coverage`);
    }
    await q.query(`DROP FUNCTION IF EXISTS source_coverage_hourly_follow()`);
    await q.query(`DROP TABLE IF EXISTS source_coverage_hourly`);
  }
}
