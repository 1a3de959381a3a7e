import {
  Controller,
  Get,
  HttpCode,
  Logger,
  Param,
  ParseIntPipe,
  Post,
  Query,
  Req,
  Res,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RunView } from '../../collection/run.dto.js';
import { ApiProblemResponses } from '../../http/api-problem-responses.js';
import { ImportQuery, RejectedPage, RejectedQuery } from './import.dto.js';
import { ImportService } from './import.service.js';

/** Content types whose bodies another parser would read (or that wrap the file): the file must come raw. */
const NOT_RAW = ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'];

/** Idle time after which an upload that sends nothing is given up (the run fails as interrupted). */
const UPLOAD_IDLE_MS = 5 * 60 * 1000;

@ApiTags('imports')
@Controller()
export class ImportsController {
  private readonly logger = new Logger('Imports');

  constructor(private readonly imports: ImportService) {}

  @Post('topics/:slug/imports')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Import an archive file into a topic (admin key)',
    description:
      'The request body is the file itself (e.g. `curl --data-binary @posts.jsonl -H "Content-Type: application/x-ndjson"`), ' +
      'optionally gzip-compressed. It is streamed, never held whole in memory. The 202 status and a `Location` header ' +
      'naming the run are sent at once, so the run can be followed at GET /api/v1/runs/{id} (progress: lines, bytes, ' +
      'posts/s) during the upload; the body, the run as it ended, follows when the whole file has been read. ' +
      'Bad lines: GET /api/v1/runs/{id}/rejected.',
  })
  @ApiConsumes(
    'application/x-ndjson',
    'text/csv',
    'text/tab-separated-values',
    'application/octet-stream',
    'application/gzip',
  )
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'The archive file.' })
  @ApiAcceptedResponse({
    type: RunView,
    description: 'The import run as it ended (sent once the whole file has been read).',
    headers: {
      Location: {
        description: 'The run: /api/v1/runs/{id}, sent before the body.',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblemResponses(400, 401, 403, 404, 415)
  async create(
    @Param('slug') slug: string,
    @Query() q: ImportQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (NOT_RAW.includes(type)) {
      throw new UnsupportedMediaTypeException(
        `Send the file as the raw body with a type such as application/x-ndjson, text/csv or application/octet-stream, not ${type}.`,
      );
    }
    const length = Number(req.headers['content-length']);
    const prepared = await this.imports.prepare({
      topic: slug,
      format: q.format,
      source: q.source,
      map: q.map,
      fileName: q.filename ?? null,
      totalBytes: Number.isSafeInteger(length) && length >= 0 ? length : null,
    });
    const run = await this.imports.begin(prepared);
    const interrupted = () => {
      if (!req.complete && !req.destroyed)
        req.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    req.socket.once('close', interrupted);
    req.setTimeout(UPLOAD_IDLE_MS, interrupted);
    // Status and Location now, the run when the file has been read: a response that ended before the upload
    // did would let the connection close under it.
    res.status(202).location(`/api/v1/runs/${run.id}`).type('application/json');
    res.flushHeaders();
    try {
      const result = await this.imports.executeTracked(run.id, prepared, req);
      res.end(JSON.stringify(result.run));
    } catch (error) {
      // Headers are out: no problem document can follow. The run (if it still exists) holds the reason.
      this.logger.error(`Import run ${run.id}: ${error instanceof Error ? error.message : String(error)}`);
      res.destroy();
    } finally {
      req.socket?.off('close', interrupted);
    }
  }

  @Get('runs/:id/rejected')
  @ApiOperation({ summary: "A run's rejected lines (line number, reason, raw text), in file order" })
  @ApiOkResponse({ type: RejectedPage })
  @ApiProblemResponses(400, 401, 403, 404)
  rejected(@Param('id', ParseIntPipe) id: number, @Query() q: RejectedQuery): Promise<RejectedPage> {
    return this.imports.rejectedLines(id, q.limit ?? 100, q.cursor ?? 0);
  }
}
