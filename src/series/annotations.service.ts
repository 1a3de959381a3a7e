import { Injectable, NotFoundException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { DataSource } from 'typeorm';
import { returningRows } from '../database/returning-rows.js';
import { FieldValidationError, type FieldError } from '../http/problem-details.js';
import { parseInstant } from './series-buckets.js';
import { SeriesParamsParser } from './series-params.js';
import { RangeQuery, type AnnotationView } from './series.dto.js';
import { SeriesRepository } from './series.repository.js';
import { annotationView } from './series.service.js';

export class CreateAnnotationDto {
  @ApiProperty({
    example: '2016-04-26T08:00:00+01:00',
    description: "ISO-8601 instant; without an offset it is wall-clock time in the topic's zone.",
  })
  @IsString()
  @Length(1, 64)
  at!: string;

  @ApiProperty({ example: 'All-out strike begins 08:00', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  label!: string;

  @ApiPropertyOptional({ example: 'https://www.bbc.co.uk/news/health-36136078', maxLength: 2000 })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  url?: string;
}

export class AnnotationQuery extends RangeQuery {}

/** Dated notes on a topic's timeline ("Strike begins 08:00"), returned with every series. */
@Injectable()
export class AnnotationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: SeriesRepository,
    private readonly parser: SeriesParamsParser,
  ) {}

  async list(slug: string, q: AnnotationQuery): Promise<AnnotationView[]> {
    const topic = await this.parser.topic(slug);
    const errors: FieldError[] = [];
    const tz = this.parser.zone(q.tz, topic.timezone, errors);
    const range =
      q.from || q.to ? this.parser.instants(q, tz, { days: 36_500 }, Date.now(), errors) : undefined;
    if (errors.length) throw new FieldValidationError(errors);
    const rows = await this.repo.annotations(
      topic.id,
      range && q.from ? range.from : undefined,
      range && q.to ? range.to : undefined,
    );
    return rows.map((a) => annotationView(a, tz));
  }

  async create(slug: string, dto: CreateAnnotationDto): Promise<AnnotationView> {
    const topic = await this.parser.topic(slug);
    const at = parseInstant(dto.at, topic.timezone);
    if (at === undefined) {
      throw new FieldValidationError([
        { field: 'at', message: 'at must be an ISO-8601 date-time such as 2016-04-26T08:00:00+01:00' },
      ]);
    }
    const [row] = await this.db.query<{ id: string; at: Date; label: string; url: string | null }[]>(
      `INSERT INTO annotation (topic_id, at, label, url) VALUES ($1, $2, $3, $4) RETURNING id, at, label, url`,
      [topic.id, new Date(at).toISOString(), dto.label.trim(), dto.url ?? null],
    );
    return annotationView({ id: Number(row.id), at: row.at, label: row.label, url: row.url }, topic.timezone);
  }

  async remove(slug: string, id: string): Promise<void> {
    const topic = await this.parser.topic(slug);
    if (!/^\d{1,18}$/.test(id)) {
      throw new FieldValidationError([{ field: 'id', message: 'id must be a whole number' }]);
    }
    const deleted = returningRows<{ id: string }>(
      await this.db.query(`DELETE FROM annotation WHERE topic_id = $1 AND id = $2 RETURNING id`, [
        topic.id,
        id,
      ]),
    );
    if (deleted.length === 0) {
      throw new NotFoundException(`Topic "${topic.slug}" has no annotation ${id}.`);
    }
  }
}
