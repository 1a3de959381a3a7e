import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { adapterView, AdapterView } from './adapter.dto.js';
import { AdapterRegistry } from './adapter-registry.js';

@ApiTags('adapters')
@Controller('adapters')
export class AdaptersController {
  constructor(private readonly registry: AdapterRegistry) {}

  @Get()
  @ApiOperation({ summary: 'The installed source adapters and their options (secret options marked)' })
  @ApiOkResponse({ type: [AdapterView] })
  @ApiProblemResponses(401, 403)
  list(): AdapterView[] {
    return this.registry.list().map(adapterView);
  }
}
