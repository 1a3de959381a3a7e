import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { BackfillDto, StartedRuns } from './run.dto.js';
import { CollectionService } from './collection.service.js';

@ApiTags('runs')
@Controller('topics/:slug')
export class CollectionController {
  constructor(private readonly collection: CollectionService) {}

  @Post('collect')
  @HttpCode(202)
  @ApiOperation({
    summary: "Collect a topic's enabled sources now (admin key)",
    description:
      'Queues one manual run per enabled source and answers at once; follow each run at GET /api/v1/runs/{id}. ' +
      'Runs execute on instances with the scheduler enabled.',
  })
  @ApiAcceptedResponse({ type: StartedRuns })
  @ApiProblemResponses(401, 403, 404)
  async collect(@Param('slug') slug: string): Promise<StartedRuns> {
    return { runs: await this.collection.collect(slug) };
  }

  @Post('backfill')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Backfill a past time window from the sources that support one (admin key)',
    description:
      'Queues one backfill run per enabled source whose adapter collects time windows; 400 when none does. ' +
      'Backfills keep their own cursor: the live cursor is untouched.',
  })
  @ApiAcceptedResponse({ type: StartedRuns })
  @ApiProblemResponses(400, 401, 403, 404)
  async backfill(@Param('slug') slug: string, @Body() body: BackfillDto): Promise<StartedRuns> {
    return { runs: await this.collection.backfill(slug, body.from, body.to) };
  }
}
