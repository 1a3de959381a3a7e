import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class BudgetUsageView {
  @ApiProperty({ example: 'unique hashtags per account' }) name!: string;
  @ApiProperty({ example: 3 }) used!: number;
  @ApiProperty({ example: 30 }) limit!: number;
  @ApiProperty({ example: 168 }) windowHours!: number;
  @ApiPropertyOptional({ example: ['juniorcontract'] }) items?: string[];
}

/** What a source's adapter said when probed; stored as `healthDetail.probe` on the source. */
export class SourceProbe {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ example: 'account newsdesk; 3 of 30 hashtags used in 7 days' }) detail!: string;
  @ApiPropertyOptional({ type: [BudgetUsageView] }) budgets?: BudgetUsageView[];
  @ApiPropertyOptional({ example: ['schedule leaves more than 24 hours between runs'] }) warnings?: string[];
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
}
