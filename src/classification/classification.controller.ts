import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { FieldValidationError } from '../http/problem-details.js';
import { TopicsService } from '../topics/topics.service.js';
import {
  AgreementQuery,
  AgreementView,
  ClassifyRequest,
  ClassifyResponse,
  LabelRequest,
  LabelView,
  RescoreView,
  StanceVersionView,
  SuggestionsQuery,
  SuggestionsView,
} from './classification.dto.js';
import { ClassifyService } from './classify.service.js';
import { HandCodingService } from './hand-coding.service.js';
import { RescoreService } from './rescore.service.js';

const badPostId = () =>
  new FieldValidationError([{ field: 'id', message: 'id must be a post id (a positive integer)' }]);
const postIdPipe = new ParseIntPipe({ exceptionFactory: badPostId });

@ApiTags('classification')
@Controller()
export class ClassificationController {
  constructor(
    private readonly classifier: ClassifyService,
    private readonly coding: HandCodingService,
    private readonly rescores: RescoreService,
    private readonly topics: TopicsService,
  ) {}

  @Post('classify')
  @HttpCode(200)
  @Access('read')
  @ApiOperation({
    summary: 'Classify a text: sentiment, and stance toward a topic when one is given, with the reasons',
  })
  @ApiOkResponse({ type: ClassifyResponse })
  @ApiProblemResponses(400, 401, 403, 404, 413)
  classify(@Body() body: ClassifyRequest): Promise<ClassifyResponse> {
    return this.classifier.classify(body);
  }

  @Put('topics/:slug/posts/:id/label')
  @ApiOperation({ summary: "Hand-code a post's stance (admin key); coding again replaces the code" })
  @ApiOkResponse({ type: LabelView })
  @ApiProblemResponses(400, 401, 403, 404)
  label(
    @Param('slug') slug: string,
    @Param('id', postIdPipe) id: number,
    @Body() body: LabelRequest,
  ): Promise<LabelView> {
    if (!Number.isSafeInteger(id) || id < 1) throw badPostId();
    return this.coding.label(slug, id, body);
  }

  @Get('topics/:slug/agreement')
  @ApiOperation({
    summary:
      'Agreement of the classifier with the hand codes: accuracy, per-class P/R/F1, macro-F1, kappa, confusion',
  })
  @ApiOkResponse({ type: AgreementView })
  @ApiProblemResponses(400, 401, 403, 404)
  agreement(@Param('slug') slug: string, @Query() q: AgreementQuery): Promise<AgreementView> {
    return this.coding.agreement(slug, q.version);
  }

  @Get('topics/:slug/lexicon/suggestions')
  @ApiOperation({
    summary: 'Words, phrases and hashtags most indicative of each side among the hand-coded posts',
  })
  @ApiOkResponse({ type: SuggestionsView })
  @ApiProblemResponses(400, 401, 403, 404)
  suggestions(@Param('slug') slug: string, @Query() q: SuggestionsQuery): Promise<SuggestionsView> {
    return this.coding.suggestions(slug, q.limit ?? 20, q.minCount ?? 2);
  }

  @Get('topics/:slug/stance-versions')
  @ApiOperation({
    summary: "A topic's lexicon versions: building, active or retired, with their rescore runs",
  })
  @ApiOkResponse({ type: [StanceVersionView] })
  @ApiProblemResponses(401, 403, 404)
  versions(@Param('slug') slug: string): Promise<StanceVersionView[]> {
    return this.coding.versions(slug);
  }

  @Post('topics/:slug/rescore')
  @ApiOperation({
    summary:
      'Rescore every stored post of the topic (admin key): under its building version, or under a new version ' +
      'of the current configuration (after a classifier upgrade); follow the run at GET /api/v1/runs/:id',
  })
  @ApiCreatedResponse({ type: RescoreView })
  @ApiProblemResponses(401, 403, 404)
  async rescore(@Param('slug') slug: string): Promise<RescoreView> {
    const topic = await this.topics.find(slug);
    return this.rescores.request(topic.id, true);
  }
}
