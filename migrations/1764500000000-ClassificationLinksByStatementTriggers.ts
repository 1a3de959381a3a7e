import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `classification` is the hottest table: about 1.2 rows per ingested post. Its two foreign keys made
 * PostgreSQL run two referential checks per row (an SPI query each), which measured 17 ms of the server's
 * 62 ms of CPU per 1,000 ingested posts. The links are now kept by their writers and by statement-level
 * triggers:
 *  - writers lock the topics a page is classified for once per page (`FOR KEY SHARE`, the lock the per-row
 *    check took), and write rows only for posts they inserted or hold locked in the same transaction;
 *  - deleting or truncating topics or posts removes their classification rows, in the same statement's
 *    transaction, as `ON DELETE CASCADE` did.
 */
export class ClassificationLinksByStatementTriggers1764500000000 implements MigrationInterface {
  name = 'ClassificationLinksByStatementTriggers1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE classification DROP CONSTRAINT classification_topic_fk, DROP CONSTRAINT classification_post_fk`,
    );
    await q.query(`
      CREATE FUNCTION classification_forget_deleted_topics() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM classification c USING gone g WHERE c.topic_id = g.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION classification_forget_deleted_posts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM classification c USING gone g WHERE c.post_id = g.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION classification_forget_all() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE classification;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER topic_delete_classifications AFTER DELETE ON topic
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION classification_forget_deleted_topics()`);
    await q.query(`
      CREATE TRIGGER post_delete_classifications AFTER DELETE ON post
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION classification_forget_deleted_posts()`);
    await q.query(`
      CREATE TRIGGER topic_truncate_classifications AFTER TRUNCATE ON topic
        FOR EACH STATEMENT EXECUTE FUNCTION classification_forget_all()`);
    await q.query(`
      CREATE TRIGGER post_truncate_classifications AFTER TRUNCATE ON post
        FOR EACH STATEMENT EXECUTE FUNCTION classification_forget_all()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER post_truncate_classifications ON post`);
    await q.query(`DROP TRIGGER topic_truncate_classifications ON topic`);
    await q.query(`DROP TRIGGER post_delete_classifications ON post`);
    await q.query(`DROP TRIGGER topic_delete_classifications ON topic`);
    await q.query(`DROP FUNCTION classification_forget_all()`);
    await q.query(`DROP FUNCTION classification_forget_deleted_posts()`);
    await q.query(`DROP FUNCTION classification_forget_deleted_topics()`);
    await q.query(`DELETE FROM classification c WHERE NOT EXISTS (SELECT 1 FROM post p WHERE p.id = c.post_id)
                      OR NOT EXISTS (SELECT 1 FROM topic t WHERE t.id = c.topic_id)`);
    await q.query(`
      ALTER TABLE classification
        ADD CONSTRAINT classification_topic_fk FOREIGN KEY (topic_id) REFERENCES topic(id) ON DELETE CASCADE,
        ADD CONSTRAINT classification_post_fk FOREIGN KEY (post_id) REFERENCES post(id) ON DELETE CASCADE`);
  }
}
