import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

/** An entity a side is about (or against), with the names people use for it. */
export class StanceTarget {
  @ApiProperty({ example: 'Jeremy Hunt' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: ['hunt', 'jeremy hunt', 'health secretary', '@jeremy_hunt'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  aliases!: string[];

  @ApiPropertyOptional({
    description: 'How much sentiment aimed at this target counts (default 1).',
    example: 1,
    minimum: 0.1,
    maximum: 5,
  })
  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(5)
  weight?: number;
}

/** A word, phrase or hashtag that by itself signals a side, with its weight. */
export class StanceCue {
  @ApiProperty({ example: '#notfairnotsafe' })
  @IsString()
  @Length(1, 100)
  term!: string;

  @ApiProperty({ example: 2, minimum: 0.1, maximum: 5 })
  @IsNumber()
  @Min(0.1)
  @Max(5)
  weight!: number;
}

export class StanceSide {
  @ApiProperty({ example: 'Supports the junior doctors' })
  @IsString()
  @Length(1, 200)
  label!: string;

  @ApiProperty({ type: [StanceTarget] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => StanceTarget)
  targets!: StanceTarget[];

  @ApiProperty({ type: [StanceCue] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => StanceCue)
  cues!: StanceCue[];
}

/**
 * A topic's two sides. "Support" is the side whose rise the series reports as support; each side names its
 * targets (so anger at the other side's target counts for this one) and its cues.
 */
export class StanceConfig {
  @ApiProperty({ type: StanceSide })
  @ValidateNested()
  @Type(() => StanceSide)
  support!: StanceSide;

  @ApiProperty({ type: StanceSide })
  @ValidateNested()
  @Type(() => StanceSide)
  oppose!: StanceSide;

  @ApiPropertyOptional({
    description: 'Minimum |score| for a support/oppose label; below it the post is neutral.',
    example: 0.5,
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(10)
  threshold?: number;

  @ApiPropertyOptional({
    description:
      'The topic\'s own vocabulary, whose dictionary sentiment does not count here ("strike" is news, not a judgement).',
    example: ['strike', 'walkout', 'dispute'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  neutralTerms?: string[];
}
