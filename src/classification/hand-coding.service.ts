import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TopicsService } from '../topics/topics.service.js';
import { agreement } from './agreement-metrics.js';
import type {
  AgreementView,
  LabelRequest,
  LabelView,
  StanceVersionView,
  SuggestionsView,
} from './classification.dto.js';
import { type CodedStance, logOddsSuggestions, postTerms } from './lexicon-suggestions.js';
import type { StanceConfig } from './stance-config.js';

const STANCES: CodedStance[] = ['support', 'oppose', 'neutral'];

/** Researchers' hand codes, and how well the classifier agrees with them. */
@Injectable()
export class HandCodingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly topics: TopicsService,
  ) {}

  /** Codes a post of the topic (one code per topic and post; coding again replaces it). */
  async label(slug: string, postId: number, body: LabelRequest): Promise<LabelView> {
    const topic = await this.topics.find(slug);
    const member: { stance: string }[] = await this.db.query(
      `SELECT c.stance FROM classification c JOIN post p ON p.id = c.post_id
        WHERE c.topic_id = $1 AND c.post_id = $2 AND c.lexicon_version = $3 AND p.deleted_at IS NULL`,
      [topic.id, postId, topic.stanceVersion],
    );
    if (member.length === 0) throw new NotFoundException(`Topic "${slug}" has no post ${postId}.`);
    const [row]: { stance: string; coder: string | null; updated_at: Date }[] = await this.db.query(
      `INSERT INTO post_label (topic_id, post_id, stance, coder) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT post_label_pk DO UPDATE SET stance = EXCLUDED.stance, coder = EXCLUDED.coder, updated_at = now()
       RETURNING stance, coder, updated_at`,
      [topic.id, postId, body.stance, body.coder ?? null],
    );
    return {
      postId,
      stance: row.stance,
      coder: row.coder,
      updatedAt: new Date(row.updated_at).toISOString(),
      classified: member[0].stance,
    };
  }

  async agreement(slug: string, version?: number): Promise<AgreementView> {
    const topic = await this.topics.find(slug);
    const v = version ?? topic.stanceVersion;
    await this.assertVersion(topic.id, slug, v);
    const pairs: { reference: CodedStance; predicted: CodedStance }[] = await this.db.query(
      `SELECT l.stance AS reference, c.stance AS predicted
         FROM post_label l JOIN classification c ON c.topic_id = l.topic_id AND c.post_id = l.post_id
        WHERE l.topic_id = $1 AND c.lexicon_version = $2`,
      [topic.id, v],
    );
    const a = agreement(STANCES, pairs);
    return { version: v, ...a };
  }

  async suggestions(slug: string, limit = 20, minCount = 2): Promise<SuggestionsView> {
    const topic = await this.topics.find(slug);
    const coded: { text: string; stance: CodedStance }[] = await this.db.query(
      `SELECT p.text, l.stance FROM post_label l JOIN post p ON p.id = l.post_id
        WHERE l.topic_id = $1 AND p.deleted_at IS NULL ORDER BY l.post_id`,
      [topic.id],
    );
    const configured = configuredTerms(topic.stance);
    const s = logOddsSuggestions(coded, { limit, minCount });
    const view = (list: typeof s.support) =>
      list.map((t) => ({
        term: t.term,
        delta: round(t.delta),
        z: round(t.z),
        counts: t.counts,
        configured: configured.has(t.term),
      }));
    return {
      support: view(s.support),
      oppose: view(s.oppose),
      posts: s.posts,
      method:
        'log-odds ratio, informative Dirichlet prior from all coded posts (Monroe, Colaresi & Quinn 2008)',
    };
  }

  async versions(slug: string): Promise<StanceVersionView[]> {
    const topic = await this.topics.find(slug);
    const rows: {
      version: number;
      status: string;
      created_at: Date;
      classified: number;
      run_id: string | null;
    }[] = await this.db.query(
      `SELECT v.version, v.status, v.created_at,
                (SELECT count(*)::int FROM classification c WHERE c.topic_id = v.topic_id AND c.lexicon_version = v.version) AS classified,
                (SELECT max(r.id) FROM collection_run r
                  WHERE r.topic_id = v.topic_id AND r.kind = 'rescore' AND (r.params->>'version')::int = v.version) AS run_id
           FROM topic_stance_version v WHERE v.topic_id = $1 ORDER BY v.version`,
      [topic.id],
    );
    return rows.map((r) => ({
      version: r.version,
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
      classified: r.classified,
      rescoreRunId: r.run_id === null ? null : Number(r.run_id),
    }));
  }

  private async assertVersion(topicId: number, slug: string, version: number): Promise<void> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM topic_stance_version WHERE topic_id = $1 AND version = $2`,
      [topicId, version],
    );
    if (rows.length === 0) throw new NotFoundException(`Topic "${slug}" has no lexicon version ${version}.`);
  }
}

/** Terms the configuration already has (cues and target aliases), written the way suggestions write them. */
function configuredTerms(stance: StanceConfig): Set<string> {
  const out = new Set<string>();
  for (const side of [stance.support, stance.oppose]) {
    for (const c of side?.cues ?? []) {
      out.add(c.term.toLowerCase());
      for (const t of postTerms(c.term)) out.add(t);
    }
    for (const t of side?.targets ?? []) for (const a of t.aliases ?? []) out.add(a.toLowerCase());
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
