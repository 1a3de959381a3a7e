import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../database/bigint-transformer.js';

@Entity('api_key')
export class ApiKey {
  @PrimaryColumn('bigint', {
    generated: 'identity',
    generatedIdentity: 'ALWAYS',
    transformer: bigintAsNumber,
  })
  id!: number;

  @Column('text')
  name!: string;

  @Column('text')
  role!: 'admin' | 'read';

  /** SHA-256 of the key; the key itself is shown once and never stored. */
  @Column('text', { name: 'key_hash' })
  keyHash!: string;

  @Column('text', { name: 'key_prefix' })
  keyPrefix!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;
}
