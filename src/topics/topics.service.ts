import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { StanceConfig } from '../classification/stance-config.js';
import type { SourceProbe } from './source-probe.dto.js';
import { FieldValidationError, type FieldError } from '../http/problem-details.js';
import { AdapterRegistry } from '../sources/adapter-registry.js';
import type { TopicQuery } from '../sources/topic-query.js';
import {
  CreateTopicDto,
  type SourceInputDto,
  type SourceView,
  type TopicView,
  type UpdateTopicDto,
} from './topic.dto.js';
import { Topic } from './topic.entity.js';
import { TopicSource } from './topic-source.entity.js';
import { StanceChangeNotifier } from './stance-change-notifier.js';

export const DEFAULT_SCHEDULE = '*/10 * * * *';

export function emptyStance(): StanceConfig {
  return {
    support: { label: 'Support', targets: [], cues: [] },
    oppose: { label: 'Oppose', targets: [], cues: [] },
  };
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TopicsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly adapters: AdapterRegistry,
    private readonly stanceChanges: StanceChangeNotifier,
  ) {}

  async list(): Promise<TopicView[]> {
    const topics = await this.db.getRepository(Topic).find({ order: { slug: 'ASC' } });
    const sources = await this.sourcesWithSecretNames(topics.map((t) => t.id));
    return topics.map((t) => this.view(t, sources.get(t.id) ?? []));
  }

  async get(slug: string): Promise<TopicView> {
    const topic = await this.find(slug);
    const sources = await this.sourcesWithSecretNames([topic.id]);
    return this.view(topic, sources.get(topic.id) ?? []);
  }

  /** The topic entity, or a 404 naming the slug. */
  async find(slug: string, manager: EntityManager = this.db.manager): Promise<Topic> {
    const topic = await manager.getRepository(Topic).findOne({ where: { slug } });
    if (!topic) throw new NotFoundException(`No topic with slug "${slug}".`);
    return topic;
  }

  async create(dto: CreateTopicDto): Promise<TopicView> {
    this.assertQuery(dto.query);
    const sources = this.checkSources(dto.sources ?? []);
    const warnings = await this.checkSourcesForTopic(sources, dto.query, dto.schedule ?? DEFAULT_SCHEDULE);
    try {
      const id = await this.db.transaction(async (m) => {
        const topic = await m.getRepository(Topic).save(
          m.getRepository(Topic).create({
            slug: dto.slug,
            name: dto.name,
            description: dto.description ?? null,
            query: dto.query,
            timezone: dto.timezone ?? 'UTC',
            schedule: dto.schedule ?? DEFAULT_SCHEDULE,
            stance: dto.stance ?? emptyStance(),
            stanceVersion: 1,
            paused: dto.paused ?? false,
          }),
        );
        await m.query(
          `INSERT INTO topic_stance_version (topic_id, version, stance, status) VALUES ($1, 1, $2, 'active')`,
          [topic.id, JSON.stringify(topic.stance)],
        );
        await this.replaceSources(m, topic.id, sources, warnings);
        return topic.id;
      });
      return this.getById(id);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictException(`A topic with slug "${dto.slug}" already exists.`);
      }
      throw error;
    }
  }

  async update(slug: string, dto: UpdateTopicDto): Promise<TopicView> {
    if (dto.query) this.assertQuery(dto.query);
    const sources = dto.sources ? this.checkSources(dto.sources) : undefined;
    let warnings: string[][] = [];
    if (sources || dto.query || dto.schedule) {
      const before = await this.find(slug);
      const checked =
        sources ??
        (await this.db
          .getRepository(TopicSource)
          .find({ where: { topicId: before.id }, order: { id: 'ASC' } }));
      warnings = await this.checkSourcesForTopic(
        checked,
        dto.query ?? before.query,
        dto.schedule ?? before.schedule,
        before.id,
        sources ? 'sources' : 'query',
      );
    }
    let stanceChanged = false;
    const id = await this.db.transaction(async (m) => {
      const topic = await this.find(slug, m);
      const repo = m.getRepository(Topic);
      if (dto.name !== undefined) topic.name = dto.name;
      if (dto.description !== undefined) topic.description = dto.description;
      if (dto.query !== undefined) topic.query = dto.query;
      if (dto.timezone !== undefined) topic.timezone = dto.timezone;
      if (dto.schedule !== undefined) topic.schedule = dto.schedule;
      if (dto.paused !== undefined) topic.paused = dto.paused;
      if (dto.stance !== undefined && JSON.stringify(dto.stance) !== JSON.stringify(topic.stance)) {
        topic.stance = dto.stance;
        // A new lexicon version; the series keeps reading the old one until a rescore makes this one active.
        await m.query(
          `INSERT INTO topic_stance_version (topic_id, version, stance, status)
           SELECT $1, COALESCE(MAX(version), 0) + 1, $2, 'building' FROM topic_stance_version WHERE topic_id = $1`,
          [topic.id, JSON.stringify(dto.stance)],
        );
        stanceChanged = true;
      }
      await repo.save(topic);
      if (sources) await this.replaceSources(m, topic.id, sources, warnings);
      return topic.id;
    });
    if (stanceChanged) this.stanceChanges.notify(id);
    return this.getById(id);
  }

  /**
   * Asks a source's adapter whether it can collect (credentials, reachability, platform budgets such as
   * Instagram's hashtags per 7 days), stores the answer in the source's health detail and returns it.
   * Secrets are passed to the adapter and never returned.
   */
  async probeSource(slug: string, sourceId: number): Promise<SourceProbe> {
    const topic = await this.find(slug);
    const source = await this.db
      .getRepository(TopicSource)
      .createQueryBuilder('s')
      .addSelect('s.secretOptions')
      .where('s.id = :sourceId AND s.topicId = :topicId', { sourceId, topicId: topic.id })
      .getOne();
    if (!source) throw new NotFoundException(`Topic "${slug}" has no source with id ${sourceId}.`);
    const adapter = this.adapters.get(source.adapter);
    let probe: SourceProbe;
    try {
      const result = await adapter.health(
        { ...source.options, ...source.secretOptions },
        AbortSignal.timeout(15_000),
      );
      probe = { ...result, checkedAt: new Date().toISOString() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      probe = { ok: false, detail: message.slice(0, 500), checkedAt: new Date().toISOString() };
    }
    await this.db.query(
      `UPDATE topic_source SET health_detail = health_detail || jsonb_build_object('probe', $2::jsonb) WHERE id = $1`,
      [source.id, JSON.stringify(probe)],
    );
    return probe;
  }

  async remove(slug: string): Promise<void> {
    const result = await this.db.getRepository(Topic).delete({ slug });
    if (!result.affected) throw new NotFoundException(`No topic with slug "${slug}".`);
  }

  private async getById(id: number): Promise<TopicView> {
    const topic = await this.db.getRepository(Topic).findOneByOrFail({ id });
    const sources = await this.sourcesWithSecretNames([id]);
    return this.view(topic, sources.get(id) ?? []);
  }

  private assertQuery(query: { hashtags: string[]; keywords: string[] }): void {
    if (query.hashtags.length === 0 && query.keywords.length === 0) {
      throw new FieldValidationError([
        { field: 'query', message: 'query needs at least one hashtag or keyword' },
      ]);
    }
  }

  /** Validates each source against its adapter; all problems are reported together. */
  private checkSources(sources: SourceInputDto[]): SourceInputDto[] {
    const errors: FieldError[] = [];
    sources.forEach((source, i) => {
      if (!this.adapters.has(source.adapter)) {
        const known = this.adapters.list().map((a) => a.name);
        errors.push({
          field: `sources.${i}.adapter`,
          message: `unknown adapter "${source.adapter}"; installed: ${known.join(', ') || 'none'}`,
        });
        return;
      }
      for (const p of this.adapters.validate(source.adapter, source.options)) {
        errors.push({ field: `sources.${i}.options.${p.option}`, message: p.message });
      }
    });
    if (errors.length) throw new FieldValidationError(errors);
    return sources;
  }

  /**
   * The checks an adapter makes against the whole topic (Instagram's 30 hashtags a week, schedule reach).
   * Problems refuse the topic; warnings are kept in each source's health detail.
   */
  private async checkSourcesForTopic(
    sources: { adapter: string; options: Record<string, unknown> }[],
    query: TopicQuery,
    schedule: string,
    topicId?: number,
    fieldPrefix: 'sources' | 'query' = 'sources',
  ): Promise<string[][]> {
    const errors: FieldError[] = [];
    const warnings: string[][] = [];
    for (const [i, source] of sources.entries()) {
      const result = await this.adapters.checkTopic(source.adapter, {
        options: source.options,
        query,
        schedule,
        topicId,
      });
      for (const p of result.problems) {
        errors.push({
          field: fieldPrefix === 'sources' ? `sources.${i}.options.${p.option}` : 'query',
          message: p.message,
        });
      }
      warnings.push(result.warnings);
    }
    if (errors.length) throw new FieldValidationError(errors);
    return warnings;
  }

  /**
   * Makes a topic's sources equal the given list. A source given with its id keeps its cursor and any secret
   * option not given again; sources left out are removed.
   */
  private async replaceSources(
    m: EntityManager,
    topicId: number,
    sources: SourceInputDto[],
    warnings: string[][] = [],
  ): Promise<void> {
    const repo = m.getRepository(TopicSource);
    const existing = await repo
      .createQueryBuilder('s')
      .addSelect('s.secretOptions')
      .where('s.topicId = :topicId', { topicId })
      .getMany();
    const byId = new Map(existing.map((s) => [s.id, s]));
    const kept = new Set<number>();
    for (const [i, input] of sources.entries()) {
      const { plain, secret } = this.adapters.split(input.adapter, input.options);
      const current = input.id !== undefined ? byId.get(input.id) : undefined;
      if (input.id !== undefined && (!current || current.adapter !== input.adapter)) {
        throw new FieldValidationError([
          {
            field: `sources.${i}.id`,
            message: `this topic has no ${input.adapter} source with id ${input.id}`,
          },
        ]);
      }
      if (current) {
        kept.add(current.id);
        current.options = plain;
        current.secretOptions = { ...current.secretOptions, ...secret };
        current.healthDetail = { ...current.healthDetail, warnings: warnings[i] ?? [] };
        if (input.enabled !== undefined) current.enabled = input.enabled;
        await repo.save(current);
      } else {
        await repo.save(
          repo.create({
            topicId,
            adapter: input.adapter,
            options: plain,
            secretOptions: secret,
            cursor: null,
            health: 'unknown',
            healthDetail: warnings[i]?.length ? { warnings: warnings[i] } : {},
            enabled: input.enabled ?? true,
          }),
        );
      }
    }
    const removed = existing.filter((s) => !kept.has(s.id)).map((s) => s.id);
    if (removed.length) await repo.delete(removed);
  }

  private async sourcesWithSecretNames(topicIds: number[]): Promise<Map<number, SourceView[]>> {
    const out = new Map<number, SourceView[]>();
    if (topicIds.length === 0) return out;
    const rows = await this.db
      .getRepository(TopicSource)
      .createQueryBuilder('s')
      .addSelect('s.secretOptions')
      .where('s.topicId IN (:...topicIds)', { topicIds })
      .orderBy('s.id')
      .getMany();
    for (const s of rows) {
      const list = out.get(s.topicId) ?? [];
      list.push({
        id: s.id,
        adapter: s.adapter,
        options: s.options,
        secretsSet: Object.keys(s.secretOptions ?? {}),
        enabled: s.enabled,
        health: s.health,
        healthDetail: s.healthDetail,
        lastRunAt: s.lastRunAt?.toISOString() ?? null,
      });
      out.set(s.topicId, list);
    }
    return out;
  }

  private view(t: Topic, sources: SourceView[]): TopicView {
    return {
      id: t.id,
      slug: t.slug,
      name: t.name,
      description: t.description,
      query: t.query,
      timezone: t.timezone,
      schedule: t.schedule,
      sources,
      stance: t.stance,
      stanceVersion: t.stanceVersion,
      paused: t.paused,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}
