import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { SourceProbe } from './source-probe.dto.js';
import { CreateTopicDto, TopicView, UpdateTopicDto } from './topic.dto.js';
import { TopicsService } from './topics.service.js';

@ApiTags('topics')
@Controller('topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Get()
  @ApiOperation({ summary: 'List topics' })
  @ApiOkResponse({ type: [TopicView] })
  @ApiProblemResponses(401, 403)
  list(): Promise<TopicView[]> {
    return this.topics.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a topic (admin key)' })
  @ApiCreatedResponse({ type: TopicView })
  @ApiProblemResponses(400, 401, 403, 409, 413)
  create(@Body() dto: CreateTopicDto): Promise<TopicView> {
    return this.topics.create(dto);
  }

  @Get(':slug')
  @ApiOperation({ summary: 'Get a topic' })
  @ApiOkResponse({ type: TopicView })
  @ApiProblemResponses(401, 403, 404)
  get(@Param('slug') slug: string): Promise<TopicView> {
    return this.topics.get(slug);
  }

  @Patch(':slug')
  @ApiOperation({ summary: 'Change a topic (admin key); sources given with their id keep their cursor' })
  @ApiOkResponse({ type: TopicView })
  @ApiProblemResponses(400, 401, 403, 404, 413)
  update(@Param('slug') slug: string, @Body() dto: UpdateTopicDto): Promise<TopicView> {
    return this.topics.update(slug, dto);
  }

  @Post(':slug/sources/:id/health')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Probe a source now (admin key): credentials, reachability and platform budgets; stored in its healthDetail',
  })
  @ApiOkResponse({ type: SourceProbe })
  @ApiProblemResponses(400, 401, 403, 404)
  probe(@Param('slug') slug: string, @Param('id', ParseIntPipe) id: number): Promise<SourceProbe> {
    return this.topics.probeSource(slug, id);
  }

  @Delete(':slug')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a topic and its classifications, runs and annotations (admin key)' })
  @ApiNoContentResponse()
  @ApiProblemResponses(401, 403, 404)
  async remove(@Param('slug') slug: string): Promise<void> {
    await this.topics.remove(slug);
  }
}
