import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { flattenValidationErrors } from '../http/validation.js';
import { projectRoot } from '../project-root.js';
import { CreateTopicDto } from './topic.dto.js';
import { TopicsService } from './topics.service.js';

interface PresetFile {
  annotations?: { at: string; label: string; url?: string }[];
}

export function presetDir(): string {
  return join(projectRoot(), 'config', 'presets');
}

/** Creates the topics in config/presets/ on an installation's first start, once. */
@Injectable()
export class PresetLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('Presets');

  constructor(
    private readonly config: AppConfig,
    private readonly topics: TopicsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.loadPresets) await this.loadOnce();
  }

  async loadOnce(): Promise<string[]> {
    // Claiming the flag first makes concurrent first starts of several instances load presets once.
    const claimed: unknown[] = await this.db.query(
      `INSERT INTO app_state (key, value) VALUES ('presets_loaded', to_jsonb(now())) ON CONFLICT (key) DO NOTHING RETURNING key`,
    );
    if (claimed.length === 0) return [];
    try {
      return await this.createPresets();
    } catch (error) {
      await this.db.query(`DELETE FROM app_state WHERE key = 'presets_loaded'`);
      throw error;
    }
  }

  private async createPresets(): Promise<string[]> {
    const created: string[] = [];
    for (const file of readdirSync(presetDir())
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const raw = JSON.parse(readFileSync(join(presetDir(), file), 'utf8')) as PresetFile &
        Record<string, unknown>;
      const { annotations = [], ...topic } = raw;
      const dto = plainToInstance(CreateTopicDto, topic);
      const errors = flattenValidationErrors(
        validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }),
      );
      if (errors.length) throw new Error(`Preset ${file} is invalid: ${JSON.stringify(errors)}`);
      const view = await this.topics.create(dto);
      for (const a of annotations) {
        await this.db.query(`INSERT INTO annotation (topic_id, at, label, url) VALUES ($1, $2, $3, $4)`, [
          view.id,
          a.at,
          a.label,
          a.url ?? null,
        ]);
      }
      created.push(view.slug);
    }
    this.logger.log(`Created preset topics: ${created.join(', ') || 'none'}`);
    return created;
  }
}
