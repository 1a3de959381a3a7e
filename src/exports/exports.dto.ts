import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { SeriesQuery, VersionedFilterQuery } from '../series/series.dto.js';
import { CHART_DEFAULTS, CHART_KINDS, CHART_THEMES, type ChartKind, type ChartTheme } from './chart-spec.js';

/** The series parameters plus the chart's size, title, kind and theme. */
export class ChartQuery extends SeriesQuery {
  @ApiPropertyOptional({
    default: CHART_DEFAULTS.width,
    minimum: 300,
    maximum: 2400,
    description: 'Width in pixels.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(300)
  @Max(2400)
  width?: number;

  @ApiPropertyOptional({
    default: CHART_DEFAULTS.height,
    minimum: 200,
    maximum: 1600,
    description: 'Height in pixels.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(200)
  @Max(1600)
  height?: number;

  @ApiPropertyOptional({
    description: 'Title; default the topic name and what is drawn.',
    example: 'Support for the junior doctors',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({
    enum: CHART_KINDS,
    default: CHART_DEFAULTS.kind,
    description:
      'share: support share with its interval; volume: posts by stance; both: one above the other.',
  })
  @IsOptional()
  @IsIn(CHART_KINDS)
  kind?: ChartKind;

  @ApiPropertyOptional({ enum: CHART_THEMES, default: CHART_DEFAULTS.theme })
  @IsOptional()
  @IsIn(CHART_THEMES)
  theme?: ChartTheme;
}

export class PngChartQuery extends ChartQuery {
  @ApiPropertyOptional({
    default: 2,
    minimum: 1,
    maximum: 4,
    description: 'Pixel density: 2 for print and high-density screens.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4)
  scale?: number;
}

export const POST_STANCES = ['support', 'oppose', 'neutral'] as const;

export class PostsCsvQuery extends VersionedFilterQuery {
  @ApiPropertyOptional({ enum: POST_STANCES, description: 'Only posts with this stance.' })
  @IsOptional()
  @IsString()
  stance?: string;
}

/** Pulls the series parameters out of a query that carries more (chart options). */
export function seriesPart(q: SeriesQuery): SeriesQuery {
  const { interval, from, to, tz, sources, reposts, lang, version, rolling } = q;
  return { interval, from, to, tz, sources, reposts, lang, version, rolling };
}
