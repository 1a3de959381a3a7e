import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { projectRoot } from '../../project-root.js';
import { PresetLoader } from '../../topics/preset-loader.js';
import { SAMPLE_SOURCE } from './archive-format.js';
import { ImportService } from './import.service.js';

export const SAMPLE_TOPIC = 'juniorcontract';
export const SAMPLE_FILE = 'juniorcontract-2016.jsonl.gz';
const STATE_KEY = 'sample_import';
/** A claim older than this whose holder never finished (it crashed) may be taken over. */
const STALE_CLAIM = '15 minutes';

export function samplePath(): string {
  return join(projectRoot(), 'samples', SAMPLE_FILE);
}

export type SampleOutcome =
  { status: 'imported'; runId: number; posts: number } | { status: 'skipped'; reason: string };

/**
 * On a first start with no posts, imports the bundled, invented #juniorcontract sample (January–April 2016)
 * into the preset topic under the source name `sample`, so that a new installation shows a chart at once.
 * An `app_state` claim makes it happen once, even when several instances start together on one database.
 */
@Injectable()
export class SampleImport implements OnApplicationBootstrap {
  private readonly logger = new Logger('Sample');

  constructor(
    private readonly config: AppConfig,
    private readonly imports: ImportService,
    private readonly presets: PresetLoader,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.importSample) return;
    const outcome = await this.importOnce();
    if (outcome.status === 'imported') {
      this.logger.log(
        `Imported the bundled #${SAMPLE_TOPIC} sample: ${outcome.posts} posts (run ${outcome.runId})`,
      );
    } else {
      this.logger.debug(`Sample not imported: ${outcome.reason}`);
    }
  }

  async importOnce(): Promise<SampleOutcome> {
    // The preset topic must exist first; loading presets is itself once-only, so calling it here is harmless.
    if (this.config.loadPresets) await this.presets.loadOnce();
    const me = this.config.instanceId;
    const claimed: unknown[] = await this.db.query(
      `INSERT INTO app_state (key, value) VALUES ($1, jsonb_build_object('state', 'importing', 'by', $2::text))
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
        WHERE app_state.value->>'state' = 'importing' AND app_state.updated_at < now() - interval '${STALE_CLAIM}'
       RETURNING key`,
      [STATE_KEY, me],
    );
    if (claimed.length === 0) return { status: 'skipped', reason: 'already imported, or being imported' };

    const release = () =>
      this.db.query(`DELETE FROM app_state WHERE key = $1 AND value->>'by' = $2`, [STATE_KEY, me]);
    const settle = (value: Record<string, unknown>) =>
      this.db.query(`UPDATE app_state SET value = $2::jsonb, updated_at = now() WHERE key = $1`, [
        STATE_KEY,
        JSON.stringify(value),
      ]);

    const [{ has_posts: hasPosts }] = await this.db.query<{ has_posts: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM post WHERE source <> $1) AS has_posts`,
      [SAMPLE_SOURCE],
    );
    if (hasPosts) {
      await settle({ state: 'skipped', reason: 'the database already had posts' });
      return { status: 'skipped', reason: 'the database already has posts' };
    }
    const file = samplePath();
    let prepared;
    try {
      if (!existsSync(file)) throw new Error(`${file} is missing`);
      prepared = await this.imports.prepare({
        topic: SAMPLE_TOPIC,
        format: 'jsonl',
        fileName: SAMPLE_FILE,
        totalBytes: statSync(file).size,
      });
    } catch (error) {
      // No preset topic (LOAD_PRESETS=false) or no file: leave the claim open for a later start.
      await release();
      return { status: 'skipped', reason: (error as Error).message };
    }
    const run = await this.imports.begin({ ...prepared, source: SAMPLE_SOURCE, sample: true });
    const result = await this.imports.execute(
      run.id,
      { ...prepared, source: SAMPLE_SOURCE, sample: true },
      createReadStream(file),
    );
    if (result.run.status === 'failed') {
      this.logger.error(`Importing the bundled sample failed: ${result.run.error}`);
      await release();
      return { status: 'skipped', reason: result.run.error ?? 'failed' };
    }
    await settle({ state: 'done', runId: run.id, posts: result.run.inserted });
    return { status: 'imported', runId: run.id, posts: result.run.inserted };
  }
}
