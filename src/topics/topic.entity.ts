import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { StanceConfig } from '../classification/stance-config.js';
import { bigintAsNumber } from '../database/bigint-transformer.js';
import type { TopicQuery } from '../sources/topic-query.js';

@Entity('topic')
export class Topic {
  @PrimaryColumn('bigint', {
    generated: 'identity',
    generatedIdentity: 'ALWAYS',
    transformer: bigintAsNumber,
  })
  id!: number;

  @Column('text')
  slug!: string;

  @Column('text')
  name!: string;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('jsonb')
  query!: TopicQuery;

  @Column('text')
  timezone!: string;

  @Column('text')
  schedule!: string;

  @Column('jsonb')
  stance!: StanceConfig;

  /** The lexicon version the series reads; bumped when the stance configuration changes. */
  @Column('integer', { name: 'stance_version' })
  stanceVersion!: number;

  @Column('boolean')
  paused!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
