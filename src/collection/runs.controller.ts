import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { TopicsService } from '../topics/topics.service.js';
import { RunListQuery, RunPage, RunView } from './run.dto.js';
import { RunsService } from './runs.service.js';

@ApiTags('runs')
@Controller()
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly topics: TopicsService,
  ) {}

  @Get('runs/:id')
  @ApiOperation({ summary: 'A collection, import or rescore run with its counts' })
  @ApiOkResponse({ type: RunView })
  @ApiProblemResponses(400, 401, 403, 404)
  get(@Param('id', ParseIntPipe) id: number): Promise<RunView> {
    return this.runs.view(id);
  }

  @Get('topics/:slug/runs')
  @ApiOperation({ summary: "A topic's runs, newest first" })
  @ApiOkResponse({ type: RunPage })
  @ApiProblemResponses(400, 401, 403, 404)
  async list(@Param('slug') slug: string, @Query() q: RunListQuery): Promise<RunPage> {
    const topic = await this.topics.find(slug);
    return this.runs.listForTopic(topic.id, topic.slug, q.limit ?? 20, q.cursor);
  }
}
