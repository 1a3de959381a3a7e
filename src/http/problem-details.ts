import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldError {
  @ApiProperty({ example: 'query.hashtags', description: 'Dotted path of the offending field or parameter' })
  field!: string;
  @ApiProperty({ example: 'each value must match /^[\\p{L}\\p{N}_]+$/u' })
  message!: string;
}

/** RFC 9457 problem details, the body of every error Groundswell returns. */
export class ProblemDetails {
  @ApiProperty({ example: 'about:blank' })
  type!: string;
  @ApiProperty({ example: 'Bad Request' })
  title!: string;
  @ApiProperty({ example: 400 })
  status!: number;
  @ApiProperty({ example: 'The request has 2 invalid fields.' })
  detail!: string;
  @ApiPropertyOptional({ example: '/api/v1/topics' })
  instance?: string;
  @ApiPropertyOptional({ type: [FieldError] })
  errors?: FieldError[];
  @ApiPropertyOptional({ description: 'Quote this id when reporting a server error; it is in the logs.' })
  errorId?: string;
}

/** Thrown for a 400 whose per-field errors are known; the filter renders it as problem details. */
export class FieldValidationError extends Error {
  constructor(
    readonly errors: FieldError[],
    detail?: string,
  ) {
    super(detail ?? `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`);
  }
}
