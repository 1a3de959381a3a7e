import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { INTERVALS, type SeriesInterval } from './series-buckets.js';

export type CoverageStatus = 'ok' | 'partial' | 'failed' | 'none';
export const COVERAGE_STATUSES: readonly CoverageStatus[] = ['ok', 'partial', 'failed', 'none'];

/*
 * Query DTOs hold strings exactly as they came: the global pipe rejects unknown or repeated parameters, and
 * SeriesParamsParser turns the values into validated parameters, reporting every bad one by name.
 */

export class RangeQuery {
  @ApiPropertyOptional({
    description:
      'Start (inclusive), ISO-8601. A date or a time without offset is wall-clock time in `tz`. The first bucket is the one containing it.',
    example: '2016-04-25',
  })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({
    description:
      'End (exclusive), ISO-8601; default now. The last bucket is the one containing the moment before it.',
    example: '2016-04-29',
  })
  @IsOptional()
  @IsString()
  to?: string;

  @ApiPropertyOptional({
    description: "IANA time zone of the buckets and of every time in the answer; default the topic's zone.",
    example: 'Europe/London',
  })
  @IsOptional()
  @IsString()
  tz?: string;
}

export class FilterQuery extends RangeQuery {
  @ApiPropertyOptional({
    description:
      'Comma-separated source names (adapters such as mastodon, or archives such as sample); default all.',
    example: 'mastodon,bluesky',
  })
  @IsOptional()
  @IsString()
  sources?: string;

  @ApiPropertyOptional({
    enum: ['include', 'exclude'],
    default: 'include',
    description: 'Count reposts or not.',
  })
  @IsOptional()
  @IsString()
  reposts?: string;

  @ApiPropertyOptional({
    description:
      'Comma-separated language codes (en-GB counts as en; und = posts without a language); default all.',
    example: 'en',
  })
  @IsOptional()
  @IsString()
  lang?: string;
}

export class VersionedFilterQuery extends FilterQuery {
  @ApiPropertyOptional({
    description: "Lexicon (stance configuration) version; default the topic's current `stanceVersion`.",
    example: '1',
  })
  @IsOptional()
  @IsString()
  version?: string;
}

export class SeriesQuery extends VersionedFilterQuery {
  @ApiPropertyOptional({ enum: INTERVALS, default: 'hour', description: 'Bucket length.' })
  @IsOptional()
  @IsString()
  interval?: string;

  @ApiPropertyOptional({
    description: 'Adds a rolling support share over this many buckets (1–100), reaching back before `from`.',
    example: '24',
  })
  @IsOptional()
  @IsString()
  rolling?: string;
}

export class CompareQuery extends FilterQuery {
  @ApiProperty({ description: 'Comma-separated topic slugs, 1 to 10.', example: 'juniorcontract,nurses-pay' })
  @IsString()
  topics!: string;

  @ApiPropertyOptional({ enum: INTERVALS, default: 'hour' })
  @IsOptional()
  @IsString()
  interval?: string;

  @ApiPropertyOptional({ description: 'Rolling support share window in buckets (1–100).', example: '24' })
  @IsOptional()
  @IsString()
  rolling?: string;
}

export class SeriesBucket {
  @ApiProperty({
    example: '2016-03-27T00:00:00+00:00',
    description: 'Bucket start, with the offset of `tz`.',
  })
  start!: string;
  @ApiProperty({ example: '2016-03-28T00:00:00+01:00', description: 'Bucket end (exclusive).' })
  end!: string;
  @ApiProperty({ example: 120 }) support!: number;
  @ApiProperty({ example: 45 }) oppose!: number;
  @ApiProperty({ example: 300 }) neutral!: number;
  @ApiProperty({ example: 465 }) total!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.7273,
    description: 'support / (support + oppose); null when both are 0.',
  })
  supportShare!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.6547,
    description: 'Wilson 95% interval, lower bound.',
  })
  supportShareLow!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.7891,
    description: 'Wilson 95% interval, upper bound.',
  })
  supportShareHigh!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.1613,
    description: '(support − oppose) / total; null when total is 0.',
  })
  netSupport!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: -0.12,
    description: 'Mean sentiment in [-1, 1]; null when empty.',
  })
  meanSentiment!: number | null;
  @ApiProperty({
    example: false,
    description: 'Fewer than 30 posts took a side (support + oppose): the share is too uncertain to read.',
  })
  lowVolume!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...COVERAGE_STATUSES] },
    example: { mastodon: 'ok', bluesky: 'partial', sample: 'none' },
    description: 'How completely each source was collected over the bucket (see README, "Reading a series").',
  })
  coverage!: Record<string, CoverageStatus>;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'With `rolling=N`: support share over this bucket and the N − 1 before it.',
  })
  rollingSupportShare?: number | null;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'With `rolling=N`: Wilson 95% lower bound.',
  })
  rollingSupportShareLow?: number | null;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'With `rolling=N`: Wilson 95% upper bound.',
  })
  rollingSupportShareHigh?: number | null;
}

export class AnnotationView {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: '2016-04-26T09:00:00+01:00' }) at!: string;
  @ApiProperty({ example: 'Strike begins 08:00' }) label!: string;
  @ApiProperty({ type: String, nullable: true, example: 'https://www.bbc.co.uk/news/health-36136078' })
  url!: string | null;
}

export class SeriesFilters {
  @ApiProperty({ type: [String], nullable: true, example: ['mastodon'] }) sources!: string[] | null;
  @ApiProperty({ enum: ['include', 'exclude'] }) reposts!: 'include' | 'exclude';
  @ApiProperty({ type: [String], nullable: true, example: ['en'] }) lang!: string[] | null;
}

export class SeriesResponse {
  @ApiProperty({ example: 'juniorcontract', description: 'Topic slug.' }) topic!: string;
  @ApiProperty({ enum: INTERVALS }) interval!: SeriesInterval;
  @ApiProperty({ example: 'Europe/London' }) tz!: string;
  @ApiProperty({ example: '2016-04-25T00:00:00+01:00', description: 'Start of the first bucket.' })
  from!: string;
  @ApiProperty({ example: '2016-04-29T00:00:00+01:00', description: 'End of the last bucket.' }) to!: string;
  @ApiProperty({ example: 1, description: 'Lexicon version the counts come from.' }) version!: number;
  @ApiProperty({ description: 'True when the counts include posts of the bundled sample (source `sample`).' })
  sample!: boolean;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: null,
    description: 'The rolling window, if asked for.',
  })
  rolling!: number | null;
  @ApiProperty({ type: SeriesFilters }) filters!: SeriesFilters;
  @ApiProperty({ type: [SeriesBucket] }) buckets!: SeriesBucket[];
  @ApiProperty({ type: [AnnotationView], description: "The topic's annotations within the range." })
  annotations!: AnnotationView[];
}

export class CompareResponse {
  @ApiProperty({ enum: INTERVALS }) interval!: SeriesInterval;
  @ApiProperty({ example: 'Europe/London' }) tz!: string;
  @ApiProperty({ example: '2016-04-25T00:00:00+01:00' }) from!: string;
  @ApiProperty({ example: '2016-04-29T00:00:00+01:00' }) to!: string;
  @ApiProperty({
    type: [SeriesResponse],
    description: 'One series per topic, in the order asked, on the same buckets.',
  })
  series!: SeriesResponse[];
}
