import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblemResponses } from '../http/api-problem-responses.js';
import { AnnotationQuery, AnnotationsService, CreateAnnotationDto } from './annotations.service.js';
import { HttpCacheInterceptor } from './http-cache.interceptor.js';
import { AnnotationView } from './series.dto.js';

@ApiTags('annotations')
@Controller('topics/:slug/annotations')
export class AnnotationsController {
  constructor(private readonly annotations: AnnotationsService) {}

  @Get()
  @UseInterceptors(HttpCacheInterceptor)
  @ApiOperation({ summary: "A topic's annotations, oldest first (optionally within from–to)" })
  @ApiOkResponse({ type: [AnnotationView] })
  @ApiProblemResponses(400, 401, 403, 404, 429)
  list(@Param('slug') slug: string, @Query() q: AnnotationQuery): Promise<AnnotationView[]> {
    return this.annotations.list(slug, q);
  }

  @Post()
  @ApiOperation({ summary: 'Add an annotation (admin key)' })
  @ApiCreatedResponse({ type: AnnotationView })
  @ApiProblemResponses(400, 401, 403, 404, 413, 429)
  create(@Param('slug') slug: string, @Body() dto: CreateAnnotationDto): Promise<AnnotationView> {
    return this.annotations.create(slug, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an annotation (admin key)' })
  @ApiNoContentResponse()
  @ApiProblemResponses(400, 401, 403, 404, 429)
  async remove(@Param('slug') slug: string, @Param('id') id: string): Promise<void> {
    await this.annotations.remove(slug, id);
  }
}
