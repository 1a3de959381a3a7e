import { ApiProperty } from '@nestjs/swagger';
import { INTERVALS, type SeriesInterval } from './series-buckets.js';
import { SeriesFilters } from './series.dto.js';

export class PeriodTotals {
  @ApiProperty({ example: '2016-04-19T00:00:00+01:00' }) from!: string;
  @ApiProperty({ example: '2016-04-26T00:00:00+01:00' }) to!: string;
  @ApiProperty({ example: 1200 }) support!: number;
  @ApiProperty({ example: 400 }) oppose!: number;
  @ApiProperty({ example: 2400 }) neutral!: number;
  @ApiProperty({ example: 4000 }) total!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.75 }) supportShare!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.728 }) supportShareLow!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.77 }) supportShareHigh!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.2 }) netSupport!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: -0.05 }) meanSentiment!: number | null;
  @ApiProperty({ example: false }) lowVolume!: boolean;
}

export class ShareChange {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.05,
    description: 'Support share now minus support share in the previous period.',
  })
  difference!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 3.1,
    description: 'Two-proportion z statistic (pooled).',
  })
  z!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.0019, description: 'Two-sided p-value.' })
  pValue!: number | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    example: true,
    description: 'p < 0.05; null when a period has no sided posts.',
  })
  significant!: boolean | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.25,
    description: 'Relative change in total volume.',
  })
  volumeChange!: number | null;
}

export class TermCount {
  @ApiProperty({ example: 'notfairnotsafe' }) term!: string;
  @ApiProperty({ example: 312, description: 'Posts it appears in.' }) posts!: number;
}

export class SideTerms {
  @ApiProperty({ type: [TermCount] }) support!: TermCount[];
  @ApiProperty({ type: [TermCount] }) oppose!: TermCount[];
}

export class SummaryBucket {
  @ApiProperty({ example: '2016-04-26T08:00:00+01:00' }) start!: string;
  @ApiProperty({ example: '2016-04-26T09:00:00+01:00' }) end!: string;
  @ApiProperty({ example: 900 }) total!: number;
  @ApiProperty({ example: 600 }) support!: number;
  @ApiProperty({ example: 100 }) oppose!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.857 }) supportShare!: number | null;
}

export class VolumeSpike extends SummaryBucket {
  @ApiProperty({ example: 7.4, description: 'Robust (modified) z-score of the bucket volume.' })
  zScore!: number;
}

export class SummaryResponse {
  @ApiProperty({ example: 'juniorcontract' }) topic!: string;
  @ApiProperty({ example: 'Europe/London' }) tz!: string;
  @ApiProperty({ example: '2016-04-26T00:00:00+01:00' }) from!: string;
  @ApiProperty({ example: '2016-05-03T00:00:00+01:00' }) to!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty() sample!: boolean;
  @ApiProperty({ type: SeriesFilters }) filters!: SeriesFilters;
  @ApiProperty({ enum: INTERVALS, description: 'Bucket length used for spikes and busiest buckets.' })
  bucketInterval!: SeriesInterval;
  @ApiProperty({ type: PeriodTotals }) totals!: PeriodTotals;
  @ApiProperty({ type: PeriodTotals, description: 'The period of equal length just before.' })
  previous!: PeriodTotals;
  @ApiProperty({ type: ShareChange }) change!: ShareChange;
  @ApiProperty({ type: SideTerms, description: 'Most used hashtags in posts classified on each side.' })
  topHashtags!: SideTerms;
  @ApiProperty({ type: SideTerms, description: 'The stance cues that counted most often for each side.' })
  topCueTerms!: SideTerms;
  @ApiProperty({
    type: [VolumeSpike],
    description: 'Buckets whose volume stands out (modified z-score > 3.5).',
  })
  spikes!: VolumeSpike[];
  @ApiProperty({ type: [SummaryBucket], description: 'The five buckets with the most posts.' })
  busiestBuckets!: SummaryBucket[];
}
