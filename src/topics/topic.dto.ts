import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { StanceConfig } from '../classification/stance-config.js';
import { IsCronExpression, IsIanaTimeZone } from '../http/validators.js';

const mapStrings = (value: unknown, f: (s: string) => string): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? f(v) : v)) : value;
const trimLower = ({ value }: { value: unknown }) =>
  mapStrings(value, (s) => s.trim().replace(/^#/, '').toLowerCase());
const trimAll = ({ value }: { value: unknown }) => mapStrings(value, (s) => s.trim());

export class TopicQueryDto {
  @ApiProperty({
    example: ['juniorcontract', 'juniordoctorsstrike'],
    description: 'Without #; case-insensitive.',
  })
  @IsArray()
  @ArrayMaxSize(30)
  @Transform(trimLower)
  @Matches(/^[\p{L}\p{N}_]{1,100}$/u, { each: true, message: 'each hashtag must be letters, digits or _' })
  hashtags: string[] = [];

  @ApiProperty({
    example: ['junior doctors contract'],
    description: 'Words or phrases matched case-insensitively.',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @Transform(trimAll)
  @IsString({ each: true })
  @Length(2, 200, { each: true })
  keywords: string[] = [];

  @ApiProperty({ example: ['#nhsjobs'], description: 'Posts containing any of these are left out.' })
  @IsArray()
  @ArrayMaxSize(50)
  @Transform(trimAll)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  exclude: string[] = [];

  @ApiProperty({ example: ['en'], description: 'ISO 639-1 codes; empty for every language.' })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z]{2,3}$/, { each: true, message: 'each language must be an ISO 639 code such as en' })
  languages: string[] = [];
}

export class SourceInputDto {
  @ApiPropertyOptional({ description: 'Id of an existing source to keep (with its cursor) on PATCH.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  id?: number;

  @ApiProperty({ example: 'mastodon', description: 'An adapter name from GET /api/v1/adapters.' })
  @IsString()
  adapter!: string;

  @ApiProperty({
    example: { instance: 'https://mastodon.social' },
    description: "Options from the adapter's schema.",
  })
  @IsObject()
  options: Record<string, unknown> = {};

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateTopicDto {
  @ApiProperty({ example: 'juniorcontract', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message: 'slug must be lower-case letters, digits and -, up to 63 long',
  })
  slug!: string;

  @ApiProperty({ example: "Junior doctors' contract" })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiProperty({ type: TopicQueryDto })
  @ValidateNested()
  @Type(() => TopicQueryDto)
  query!: TopicQueryDto;

  @ApiPropertyOptional({ example: 'Europe/London', default: 'UTC' })
  @IsOptional()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: '*/10 * * * *', default: '*/10 * * * *' })
  @IsOptional()
  @IsCronExpression()
  schedule?: string;

  @ApiPropertyOptional({ type: [SourceInputDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SourceInputDto)
  sources?: SourceInputDto[];

  @ApiPropertyOptional({ type: StanceConfig })
  @IsOptional()
  @ValidateNested()
  @Type(() => StanceConfig)
  stance?: StanceConfig;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  paused?: boolean;
}

export class UpdateTopicDto extends PartialType(OmitType(CreateTopicDto, ['slug'] as const)) {}

export class SourceView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'mastodon' }) adapter!: string;
  @ApiProperty({ example: { instance: 'https://mastodon.social' } }) options!: Record<string, unknown>;
  @ApiProperty({
    example: ['accessToken'],
    description: 'Names of the secret options that are set (never their values).',
  })
  secretsSet!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ['unknown', 'ok', 'rate_limited', 'failing', 'needs_attention'] }) health!: string;
  @ApiProperty() healthDetail!: Record<string, unknown>;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastRunAt!: string | null;
}

export class TopicView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'juniorcontract' }) slug!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: TopicQueryDto }) query!: TopicQueryDto;
  @ApiProperty({ example: 'Europe/London' }) timezone!: string;
  @ApiProperty({ example: '*/10 * * * *' }) schedule!: string;
  @ApiProperty({ type: [SourceView] }) sources!: SourceView[];
  @ApiProperty({ type: StanceConfig }) stance!: StanceConfig;
  @ApiProperty({ example: 1 }) stanceVersion!: number;
  @ApiProperty() paused!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
