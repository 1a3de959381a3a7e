import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-transformer.js';

export type RunKind = 'scheduled' | 'manual' | 'backfill' | 'import' | 'rescore';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';

@Entity('collection_run')
export class CollectionRun {
  @PrimaryColumn('bigint', {
    generated: 'identity',
    generatedIdentity: 'ALWAYS',
    transformer: bigintAsNumber,
  })
  id!: number;

  @Column('bigint', { name: 'topic_id', transformer: bigintAsNumber })
  topicId!: number;

  @Column('bigint', { name: 'topic_source_id', nullable: true, transformer: bigintAsNumber })
  topicSourceId!: number | null;

  /** The adapter, importer format (`import:twarc`) or `classifier` for rescoring. */
  @Column('text')
  adapter!: string;

  @Column('text')
  kind!: RunKind;

  @Column('text')
  status!: RunStatus;

  @Column('jsonb')
  params!: Record<string, unknown>;

  @Column('jsonb')
  progress!: Record<string, unknown>;

  @Column('integer') fetched!: number;
  @Column('integer') inserted!: number;
  @Column('integer') duplicates!: number;
  @Column('integer') rejected!: number;

  @Column('text', { nullable: true })
  error!: string | null;

  @Column('timestamptz', { name: 'scheduled_for', nullable: true })
  scheduledFor!: Date | null;

  @Column('text', { name: 'lease_owner', nullable: true })
  leaseOwner!: string | null;

  @Column('timestamptz', { name: 'lease_expires_at', nullable: true })
  leaseExpiresAt!: Date | null;

  @Column('integer')
  attempts!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
