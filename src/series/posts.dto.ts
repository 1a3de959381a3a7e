import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { VersionedFilterQuery } from './series.dto.js';

export const POST_SORTS = ['recent', 'engagement', 'confidence'] as const;
export type PostSort = (typeof POST_SORTS)[number];

export class PostsQuery extends VersionedFilterQuery {
  @ApiPropertyOptional({
    enum: ['support', 'oppose', 'neutral'],
    description: 'Only posts with this stance.',
  })
  @IsOptional()
  @IsString()
  stance?: string;

  @ApiPropertyOptional({
    description: 'Only posts whose text contains this (case-insensitive), up to 200 characters.',
  })
  @IsOptional()
  @IsString()
  q?: string;

  @ApiPropertyOptional({
    enum: POST_SORTS,
    default: 'recent',
    description:
      'recent: newest first; engagement: likes + reposts + replies + quotes + score; confidence: surest first.',
  })
  @IsOptional()
  @IsString()
  sort?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @IsString()
  limit?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from `nextCursor` of the previous page (same sort).' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class ExplanationItemView {
  @ApiProperty({ example: '#notfairnotsafe' }) text!: string;
  @ApiProperty({ example: 2.5 }) weight!: number;
  @ApiProperty({ example: 'cue' }) rule!: string;
  @ApiPropertyOptional({ enum: ['support', 'oppose'] }) side?: string;
  @ApiPropertyOptional({ example: 'Junior doctors' }) target?: string;
}

export class PostView {
  @ApiProperty({ example: 1234 }) id!: number;
  @ApiProperty({ example: 'mastodon' }) source!: string;
  @ApiProperty({ type: String, nullable: true, example: 'https://mastodon.social/@someone/1' }) url!:
    string | null;
  @ApiProperty({ type: String, nullable: true, example: 'someone' }) author!: string | null;
  @ApiProperty({ example: 'Standing with our doctors today #notfairnotsafe' }) text!: string;
  @ApiProperty({ type: String, nullable: true, example: 'en' }) lang!: string | null;
  @ApiProperty({ example: '2016-04-26T09:12:00+01:00' }) createdAt!: string;
  @ApiProperty({ enum: ['support', 'oppose', 'neutral'] }) stance!: string;
  @ApiProperty({ example: 2.1, description: 'Signed: > 0 leans support.' }) stanceScore!: number;
  @ApiProperty({ example: 0.82 }) confidence!: number;
  @ApiProperty({ example: 0.45 }) sentiment!: number;
  @ApiProperty({ enum: ['positive', 'negative', 'neutral'] }) sentimentLabel!: string;
  @ApiProperty({ type: [ExplanationItemView] }) explanation!: ExplanationItemView[];
  @ApiProperty({ example: { likes: 12, reposts: 3 } }) engagement!: Record<string, unknown>;
  @ApiProperty({ example: 15 }) engagementScore!: number;
  @ApiProperty({ example: ['notfairnotsafe'] }) hashtags!: string[];
  @ApiProperty() isRepost!: boolean;
  @ApiProperty() isReply!: boolean;
  @ApiProperty() isQuote!: boolean;
}

export class PostPage {
  @ApiProperty({ example: 'juniorcontract' }) topic!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ enum: POST_SORTS }) sort!: PostSort;
  @ApiProperty({ type: [PostView] }) items!: PostView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null at the end.',
  })
  nextCursor!: string | null;
}
