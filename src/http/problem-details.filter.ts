import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FieldValidationError, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details.js';

/** Errors raised by Express body parsing carry a status and a type; they never reach Nest as HttpException. */
interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message: string;
}

/**
 * The one place errors become responses: every error is RFC 9457 problem+json; an unexpected one is a 500
 * with an error id that is logged alongside the stack, which never reaches the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (exception instanceof HttpException) {
      const retryAfter = (exception.getResponse() as { retryAfter?: number }).retryAfter;
      if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown, request: Request): ProblemDetails {
    const instance = request.originalUrl?.split('?')[0];
    if (exception instanceof FieldValidationError) {
      return { ...base(400, instance), detail: exception.message, errors: exception.errors };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const problem = { ...base(status, instance), detail: exception.message };
      if (typeof body === 'object' && body !== null) {
        const b = body as Record<string, unknown>;
        if (typeof b.message === 'string') problem.detail = b.message;
        else if (Array.isArray(b.message)) problem.detail = b.message.join('; ');
        if (typeof b.detail === 'string') problem.detail = b.detail;
        if (typeof b.type === 'string') problem.type = b.type;
        if (Array.isArray(b.errors)) problem.errors = b.errors as ProblemDetails['errors'];
      }
      if (status >= 500) this.logger.error({ err: exception, instance }, problem.detail);
      return problem;
    }
    const parserError = exception as BodyParserError;
    const parserStatus = parserError?.status ?? parserError?.statusCode;
    if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      const detail =
        parserError.type === 'entity.too.large'
          ? 'The request body is larger than this server accepts.'
          : parserError.type === 'entity.parse.failed'
            ? `The request body is not valid JSON: ${parserError.message}`
            : parserError.expose
              ? parserError.message
              : (STATUS_CODES[parserStatus] ?? 'Bad request');
      return { ...base(parserStatus, instance), detail };
    }
    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId, instance }, 'Unhandled error');
    return {
      ...base(500, instance),
      detail: 'An unexpected error occurred. It has been logged with the error id given here.',
      errorId,
    };
  }
}

function base(status: number, instance?: string): ProblemDetails {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail: '', instance };
}
