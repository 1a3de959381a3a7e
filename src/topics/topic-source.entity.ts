import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-transformer.js';

export type SourceHealth = 'unknown' | 'ok' | 'rate_limited' | 'failing' | 'needs_attention';

@Entity('topic_source')
export class TopicSource {
  @PrimaryColumn('bigint', {
    generated: 'identity',
    generatedIdentity: 'ALWAYS',
    transformer: bigintAsNumber,
  })
  id!: number;

  @Column('bigint', { name: 'topic_id', transformer: bigintAsNumber })
  topicId!: number;

  @Column('text')
  adapter!: string;

  @Column('jsonb')
  options!: Record<string, unknown>;

  /** Never selected for responses; read only by collection. */
  @Column('jsonb', { name: 'secret_options', select: false })
  secretOptions!: Record<string, unknown>;

  @Column('jsonb', { nullable: true })
  cursor!: unknown;

  @Column('text')
  health!: SourceHealth;

  @Column('jsonb', { name: 'health_detail' })
  healthDetail!: Record<string, unknown>;

  @Column('boolean')
  enabled!: boolean;

  @Column('timestamptz', { name: 'last_run_at', nullable: true })
  lastRunAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
