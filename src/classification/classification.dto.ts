import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';

const STANCES = ['support', 'oppose', 'neutral'] as const;

export class ClassifyRequest {
  @ApiProperty({
    example: 'Absolutely furious that Hunt is imposing this contract #notfairnotsafe',
    description: 'The post text (at most 102,400 characters, 100 KiB; the first 20,000 are read).',
  })
  @IsString()
  @MaxLength(102_400)
  text!: string;

  @ApiPropertyOptional({ example: 'juniorcontract', description: "A topic's slug: adds its stance." })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'topic must be a topic slug' })
  topic?: string;
}

export class ExplanationItemView {
  @ApiPropertyOptional({ enum: ['sentiment', 'stance'] }) kind?: string;
  @ApiProperty({ example: 'furious → Hunt' }) text!: string;
  @ApiProperty({ example: 1.96, description: 'Sentiment: valence. Stance: contribution, > 0 for support.' })
  weight!: number;
  @ApiProperty({ example: 'target-directed' }) rule!: string;
  @ApiPropertyOptional({ example: ['intensified'], type: [String] }) modifiers?: string[];
  @ApiPropertyOptional({ enum: ['support', 'oppose'] }) side?: string;
  @ApiPropertyOptional({ example: 'Jeremy Hunt' }) target?: string;
}

export class SentimentView {
  @ApiProperty({ example: -0.72, minimum: -1, maximum: 1 }) score!: number;
  @ApiProperty({ enum: ['positive', 'negative', 'neutral'] }) label!: string;
}

export class StanceView {
  @ApiProperty({ enum: STANCES }) label!: string;
  @ApiProperty({ example: 0.86, minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty({ example: 3.4, description: 'Signed evidence: > 0 leans support.' }) score!: number;
}

export class ClassifierVersionView {
  @ApiProperty({ example: 'groundswell-1.1.0+v7502-a706-p256-s134-e158-m6' }) classifier!: string;
  @ApiPropertyOptional({ example: 3, description: "The topic's lexicon (stance configuration) version." })
  lexicon?: number;
}

export class ClassifyResponse {
  @ApiProperty({ type: SentimentView }) sentiment!: SentimentView;
  @ApiPropertyOptional({ type: StanceView, description: 'Present when a topic is given.' })
  stance?: StanceView;
  @ApiProperty({ type: [ExplanationItemView] }) explanation!: ExplanationItemView[];
  @ApiProperty({ type: ClassifierVersionView }) version!: ClassifierVersionView;
}

export class LabelRequest {
  @ApiProperty({ enum: STANCES, example: 'support' })
  @IsIn(STANCES)
  stance!: 'support' | 'oppose' | 'neutral';

  @ApiPropertyOptional({ example: 'rk', description: 'Who coded it (initials, name).' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  coder?: string;
}

export class LabelView {
  @ApiProperty({ example: 1234 }) postId!: number;
  @ApiProperty({ enum: STANCES }) stance!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) coder!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({
    enum: STANCES,
    nullable: true,
    description: "The classifier's label (active version).",
  })
  classified!: string | null;
}

export class ClassScoresView {
  @ApiProperty({ example: 0.81 }) precision!: number;
  @ApiProperty({ example: 0.77 }) recall!: number;
  @ApiProperty({ example: 0.79 }) f1!: number;
  @ApiProperty({ example: 40, description: 'Hand-coded posts in this class.' }) support!: number;
}

export class PerClassView {
  @ApiProperty({ type: ClassScoresView }) support!: ClassScoresView;
  @ApiProperty({ type: ClassScoresView }) oppose!: ClassScoresView;
  @ApiProperty({ type: ClassScoresView }) neutral!: ClassScoresView;
}

export class AgreementView {
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ example: 120, description: 'Hand-coded posts that have a classification in this version.' })
  n!: number;
  @ApiProperty({ example: 0.8 }) accuracy!: number;
  @ApiProperty({ example: 0.79 }) macroF1!: number;
  @ApiProperty({ example: 0.69 }) kappa!: number;
  @ApiProperty({ type: PerClassView }) perClass!: PerClassView;
  @ApiProperty({
    description: 'confusion[hand code][classifier label] = posts',
    example: { support: { support: 30, oppose: 2, neutral: 8 } },
  })
  confusion!: Record<string, Record<string, number>>;
}

export class AgreementQuery {
  @ApiPropertyOptional({ description: 'Lexicon version (default: the active one).', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;
}

export class SuggestionsQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({
    default: 2,
    minimum: 1,
    description: 'Least posts (both sides together) a term needs.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  minCount?: number;
}

export class TermCountsView {
  @ApiProperty({ example: 12 }) support!: number;
  @ApiProperty({ example: 1 }) oppose!: number;
}

export class TermScoreView {
  @ApiProperty({ example: '#notfairnotsafe' }) term!: string;
  @ApiProperty({ example: 1.9 }) delta!: number;
  @ApiProperty({ example: 3.1 }) z!: number;
  @ApiProperty({ type: TermCountsView }) counts!: TermCountsView;
  @ApiProperty({ description: 'Already a cue or target alias of the configuration.' }) configured!: boolean;
}

export class CodedPostsView {
  @ApiProperty() support!: number;
  @ApiProperty() oppose!: number;
  @ApiProperty() neutral!: number;
}

export class SuggestionsView {
  @ApiProperty({ type: [TermScoreView] }) support!: TermScoreView[];
  @ApiProperty({ type: [TermScoreView] }) oppose!: TermScoreView[];
  @ApiProperty({ type: CodedPostsView }) posts!: CodedPostsView;
  @ApiProperty({ example: 'log-odds ratio, informative Dirichlet prior from all coded posts' })
  method!: string;
}

export class StanceVersionView {
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ enum: ['building', 'active', 'retired'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ example: 5120, description: 'Classification rows stored for this version.' })
  classified!: number;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'The latest rescore run for this version.',
  })
  rescoreRunId!: number | null;
}

export class RescoreView {
  @ApiProperty({ example: 57, description: 'Follow it at GET /api/v1/runs/:id.' }) runId!: number;
  @ApiProperty({ example: 3 }) version!: number;
}
