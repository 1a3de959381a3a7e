import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ARCHIVE_FORMATS } from './archive-format.js';

export class ImportQuery {
  @ApiProperty({ enum: ARCHIVE_FORMATS, example: 'twarc', description: 'The format of the request body.' })
  @IsIn(ARCHIVE_FORMATS, { message: `format must be one of: ${ARCHIVE_FORMATS.join(', ')}` })
  format!: string;

  @ApiPropertyOptional({
    example: 'x',
    description:
      'Source name recorded on the posts (`post.source`). Defaults: jsonl/csv `archive` (a JSONL line may name its own), twarc/tcat `x`, 4cat `4cat`. `sample` is reserved.',
  })
  @IsOptional()
  @IsString()
  source?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['text:body,created_at:posted_at'],
    description:
      'Generic CSV only: `field:column` pairs, comma-separated or repeated. Fields: id, text, created_at, author, author_id, url, lang, is_repost, repost_of, reply_to, quote_of, source.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : [value],
  )
  @IsString({ each: true })
  map?: string[];

  @ApiPropertyOptional({
    example: 'juniorcontract-2016.jsonl',
    description: "The file's name, kept on the run.",
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  filename?: string;
}

export class RejectedQuery {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  cursor?: number;
}

export class RejectedLineView {
  @ApiProperty({ example: 17 }) id!: number;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 42,
    description: 'Line in the file (1-based).',
  })
  lineNumber!: number | null;
  @ApiProperty({ example: 'created_at "yesterday" is not an ISO-8601 date-time' }) reason!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'The line as read (up to 2,000 characters; kept for the first 1,000 rejected lines of a run).',
  })
  raw!: string | null;
  @ApiProperty({ example: 'archive' }) source!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RejectedPage {
  @ApiProperty({ type: [RejectedLineView] }) items!: RejectedLineView[];
  @ApiProperty({ example: 3, description: "The run's count of rejected lines." }) total!: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as `cursor` for the next page.' })
  nextCursor!: string | null;
}
