import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { SeriesQuery } from '../series/series.dto.js';

export const WIDGET_THEMES = ['light', 'dark'] as const;

/** The series parameters plus the widget's theme and refresh period. */
export class WidgetQuery extends SeriesQuery {
  @ApiPropertyOptional({ enum: WIDGET_THEMES, default: 'light' })
  @IsOptional()
  @IsIn(WIDGET_THEMES)
  theme?: (typeof WIDGET_THEMES)[number];

  @ApiPropertyOptional({
    default: 300,
    minimum: 30,
    maximum: 86400,
    description: 'Seconds between refreshes.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(86_400)
  refresh?: number;
}
