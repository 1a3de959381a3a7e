import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole product's first schema. Written by hand so that every constraint has a readable name and the
 * SQL runs unchanged on PostgreSQL 15 and on PGlite.
 */
export class CreateSchema1763942400000 implements MigrationInterface {
  name = 'CreateSchema1763942400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE topic (
        id            bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT topic_pk PRIMARY KEY,
        slug          text NOT NULL CONSTRAINT topic_slug_uq UNIQUE,
        name          text NOT NULL,
        description   text,
        query         jsonb NOT NULL,
        timezone      text NOT NULL DEFAULT 'UTC',
        schedule      text NOT NULL DEFAULT '*/10 * * * *',
        stance        jsonb NOT NULL DEFAULT '{}'::jsonb,
        stance_version integer NOT NULL DEFAULT 1,
        paused        boolean NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT topic_slug_format_ck CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$')
      )`);
    // Every stance configuration a topic has had: classifications and rollups name one by version.
    await q.query(`
      CREATE TABLE topic_stance_version (
        topic_id    bigint NOT NULL CONSTRAINT topic_stance_version_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        version     integer NOT NULL,
        stance      jsonb NOT NULL,
        status      text NOT NULL DEFAULT 'active'
          CONSTRAINT topic_stance_version_status_ck CHECK (status IN ('building', 'active', 'retired')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT topic_stance_version_pk PRIMARY KEY (topic_id, version)
      )`);
    await q.query(`
      CREATE TABLE topic_source (
        id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT topic_source_pk PRIMARY KEY,
        topic_id        bigint NOT NULL CONSTRAINT topic_source_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        adapter         text NOT NULL,
        options         jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- Tokens and passwords live apart from options so that no query that serves options can leak them.
        secret_options  jsonb NOT NULL DEFAULT '{}'::jsonb,
        cursor          jsonb,
        health          text NOT NULL DEFAULT 'unknown'
          CONSTRAINT topic_source_health_ck CHECK (health IN ('unknown', 'ok', 'rate_limited', 'failing', 'needs_attention')),
        health_detail   jsonb NOT NULL DEFAULT '{}'::jsonb,
        enabled         boolean NOT NULL DEFAULT true,
        last_run_at     timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX topic_source_topic_ix ON topic_source (topic_id)`);

    await q.query(`
      CREATE TABLE post (
        id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT post_pk PRIMARY KEY,
        source          text NOT NULL,
        external_id     text NOT NULL,
        url             text,
        author_id       text,
        author_handle   text,
        text            text NOT NULL,
        lang            text,
        created_at      timestamptz NOT NULL,
        collected_at    timestamptz NOT NULL DEFAULT now(),
        edited_at       timestamptz,
        deleted_at      timestamptz,
        is_repost       boolean NOT NULL DEFAULT false,
        repost_of       text,
        is_reply        boolean NOT NULL DEFAULT false,
        reply_to        text,
        is_quote        boolean NOT NULL DEFAULT false,
        quote_of        text,
        hashtags        text[] NOT NULL DEFAULT '{}',
        engagement      jsonb NOT NULL DEFAULT '{}'::jsonb,
        content_hash    text NOT NULL,
        CONSTRAINT post_source_external_uq UNIQUE (source, external_id)
      )`);
    await q.query(`CREATE INDEX post_created_ix ON post (created_at)`);

    // One row per (topic, post, lexicon version): membership of a post in a topic and its score.
    await q.query(`
      CREATE TABLE classification (
        topic_id            bigint NOT NULL CONSTRAINT classification_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        post_id             bigint NOT NULL CONSTRAINT classification_post_fk REFERENCES post(id) ON DELETE CASCADE,
        lexicon_version     integer NOT NULL,
        classifier_version  text NOT NULL,
        stance              text NOT NULL CONSTRAINT classification_stance_ck CHECK (stance IN ('support', 'oppose', 'neutral')),
        stance_score        real NOT NULL DEFAULT 0,
        confidence          real NOT NULL,
        sentiment           real NOT NULL,
        sentiment_label     text NOT NULL CONSTRAINT classification_sentiment_label_ck CHECK (sentiment_label IN ('positive', 'negative', 'neutral')),
        explanation         jsonb NOT NULL DEFAULT '[]'::jsonb,
        -- Copies of the post's dimensions, so series filters and rollup checks need no join.
        post_created_at     timestamptz NOT NULL,
        source              text NOT NULL,
        lang                text,
        is_repost           boolean NOT NULL,
        classified_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT classification_pk PRIMARY KEY (topic_id, lexicon_version, post_id)
      )`);
    await q.query(
      `CREATE INDEX classification_topic_time_ix ON classification (topic_id, lexicon_version, post_created_at)`,
    );
    await q.query(`CREATE INDEX classification_post_ix ON classification (post_id)`);

    // Hand coding by researchers, the ground truth for agreement figures.
    await q.query(`
      CREATE TABLE post_label (
        topic_id    bigint NOT NULL CONSTRAINT post_label_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        post_id     bigint NOT NULL CONSTRAINT post_label_post_fk REFERENCES post(id) ON DELETE CASCADE,
        stance      text NOT NULL CONSTRAINT post_label_stance_ck CHECK (stance IN ('support', 'oppose', 'neutral')),
        coder       text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT post_label_pk PRIMARY KEY (topic_id, post_id)
      )`);

    // 15-minute UTC buckets: fine enough for every IANA offset, coarse enough to answer any series fast.
    await q.query(`
      CREATE TABLE rollup (
        topic_id        bigint NOT NULL CONSTRAINT rollup_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        lexicon_version integer NOT NULL,
        bucket          timestamptz NOT NULL,
        source          text NOT NULL,
        lang            text NOT NULL DEFAULT '',
        is_repost       boolean NOT NULL,
        support         integer NOT NULL DEFAULT 0,
        oppose          integer NOT NULL DEFAULT 0,
        neutral         integer NOT NULL DEFAULT 0,
        sentiment_sum   double precision NOT NULL DEFAULT 0,
        CONSTRAINT rollup_pk PRIMARY KEY (topic_id, lexicon_version, bucket, source, lang, is_repost)
      )`);

    await q.query(`
      CREATE TABLE collection_run (
        id                bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT collection_run_pk PRIMARY KEY,
        topic_id          bigint NOT NULL CONSTRAINT collection_run_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        topic_source_id   bigint CONSTRAINT collection_run_topic_source_fk REFERENCES topic_source(id) ON DELETE SET NULL,
        adapter           text NOT NULL,
        kind              text NOT NULL CONSTRAINT collection_run_kind_ck CHECK (kind IN ('scheduled', 'manual', 'backfill', 'import', 'rescore')),
        status            text NOT NULL DEFAULT 'queued'
          CONSTRAINT collection_run_status_ck CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed')),
        params            jsonb NOT NULL DEFAULT '{}'::jsonb,
        progress          jsonb NOT NULL DEFAULT '{}'::jsonb,
        fetched           integer NOT NULL DEFAULT 0,
        inserted          integer NOT NULL DEFAULT 0,
        duplicates        integer NOT NULL DEFAULT 0,
        rejected          integer NOT NULL DEFAULT 0,
        error             text,
        -- A scheduled tick enqueues one run per source and slot; the unique key makes a second enqueue harmless.
        scheduled_for     timestamptz,
        lease_owner       text,
        lease_expires_at  timestamptz,
        attempts          integer NOT NULL DEFAULT 0,
        created_at        timestamptz NOT NULL DEFAULT now(),
        started_at        timestamptz,
        finished_at       timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX collection_run_slot_uq ON collection_run (topic_source_id, kind, scheduled_for) WHERE scheduled_for IS NOT NULL`,
    );
    await q.query(`CREATE INDEX collection_run_topic_ix ON collection_run (topic_id, id DESC)`);
    await q.query(
      `CREATE INDEX collection_run_claim_ix ON collection_run (status, created_at) WHERE status IN ('queued', 'running')`,
    );

    await q.query(`
      CREATE TABLE rejected_item (
        id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT rejected_item_pk PRIMARY KEY,
        run_id          bigint CONSTRAINT rejected_item_run_fk REFERENCES collection_run(id) ON DELETE CASCADE,
        source          text NOT NULL,
        line_number     integer,
        reason          text NOT NULL,
        raw             text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rejected_item_run_ix ON rejected_item (run_id)`);

    // What collection saw for each source and 15-minute bucket, so a quiet hour and a missing hour differ.
    await q.query(`
      CREATE TABLE source_coverage (
        topic_source_id bigint NOT NULL CONSTRAINT source_coverage_topic_source_fk REFERENCES topic_source(id) ON DELETE CASCADE,
        bucket          timestamptz NOT NULL,
        status          text NOT NULL CONSTRAINT source_coverage_status_ck CHECK (status IN ('ok', 'partial', 'rate_limited', 'failed')),
        run_id          bigint,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT source_coverage_pk PRIMARY KEY (topic_source_id, bucket)
      )`);

    await q.query(`
      CREATE TABLE annotation (
        id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT annotation_pk PRIMARY KEY,
        topic_id    bigint NOT NULL CONSTRAINT annotation_topic_fk REFERENCES topic(id) ON DELETE CASCADE,
        at          timestamptz NOT NULL,
        label       text NOT NULL,
        url         text,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX annotation_topic_at_ix ON annotation (topic_id, at)`);

    await q.query(`
      CREATE TABLE api_key (
        id            bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT api_key_pk PRIMARY KEY,
        name          text NOT NULL,
        role          text NOT NULL CONSTRAINT api_key_role_ck CHECK (role IN ('admin', 'read')),
        key_hash      text NOT NULL CONSTRAINT api_key_hash_uq UNIQUE,
        key_prefix    text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_used_at  timestamptz,
        revoked_at    timestamptz
      )`);

    // Small facts about this installation (e.g. that the presets were loaded once).
    await q.query(`
      CREATE TABLE app_state (
        key         text CONSTRAINT app_state_pk PRIMARY KEY,
        value       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'app_state',
      'api_key',
      'annotation',
      'source_coverage',
      'rejected_item',
      'collection_run',
      'rollup',
      'post_label',
      'classification',
      'post',
      'topic_source',
      'topic_stance_version',
      'topic',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
