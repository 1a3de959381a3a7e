import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';

export class RunView {
  @ApiProperty({ example: 42 }) id!: number;
  @ApiProperty({ example: 'juniorcontract' }) topic!: string;
  @ApiProperty({ example: 'mastodon' }) adapter!: string;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 3 }) sourceId!: number | null;
  @ApiProperty({ enum: ['scheduled', 'manual', 'backfill', 'import', 'rescore'] }) kind!: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'partial', 'failed'] }) status!: string;
  @ApiProperty({ example: 120 }) fetched!: number;
  @ApiProperty({ example: 100 }) inserted!: number;
  @ApiProperty({ example: 18 }) duplicates!: number;
  @ApiProperty({ example: 2 }) rejected!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ example: false, description: 'True for the import of the bundled, invented sample data.' })
  sample!: boolean;
  @ApiProperty({
    description: 'Kind-specific progress, e.g. lines read for an import.',
    example: { pages: 3 },
  })
  progress!: Record<string, unknown>;
  @ApiProperty({
    example: 1,
    description: 'Times the run was claimed; more than 1 after a takeover or restart.',
  })
  attempts!: number;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The schedule slot a scheduled run was enqueued for.',
  })
  scheduledFor!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class RunPage {
  @ApiProperty({ type: [RunView] }) items!: RunView[];
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page.',
  })
  nextCursor!: string | null;
}

export class RunListQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  cursor?: number;
}

export class RunSummary {
  @ApiProperty({ example: 42 }) id!: number;
  @ApiProperty({ example: 'mastodon' }) adapter!: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'partial', 'failed'], example: 'queued' })
  status!: string;
}

export class StartedRuns {
  @ApiProperty({
    type: [RunSummary],
    description: "One run per enabled source (a source's run already queued is reused).",
  })
  runs!: RunSummary[];
}

export class BackfillDto {
  @ApiProperty({
    format: 'date-time',
    example: '2016-04-26T00:00:00Z',
    description: 'Start of the window (inclusive).',
  })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2016-04-28T00:00:00Z',
    description: 'End of the window (exclusive).',
  })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to!: string;
}
