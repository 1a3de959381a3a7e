import { NotFoundException, RequestMethod, type INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';
import { ProblemDetails, PROBLEM_CONTENT_TYPE } from './problem-details.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { createValidationPipe } from './validation.js';

export const API_PREFIX = 'api/v1';

/** Routes that live outside /api/v1: probes, docs, metrics, widgets and the dashboard. */
const UNPREFIXED = [
  { path: 'health/live', method: RequestMethod.ALL },
  { path: 'health/ready', method: RequestMethod.ALL },
  { path: 'metrics', method: RequestMethod.ALL },
  { path: 'embed', method: RequestMethod.ALL },
  { path: 'embed/{*rest}', method: RequestMethod.ALL },
  { path: 'embed.js', method: RequestMethod.ALL },
  { path: '/', method: RequestMethod.GET },
];

/**
 * Everything main.ts and the tests share, so that tests exercise the real HTTP stack. Ends by initialising
 * the app, so that the problem+json 404 can be mounted after every route.
 */
export async function configureApp(app: NestExpressApplication): Promise<OpenAPIObject> {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  const document = setupOpenApi(app);
  await app.init();
  // Nest answers unknown routes only under the global prefix; everything else falls through to here.
  const filter = app.get(ProblemDetailsFilter);
  app.use((req: Request, res: Response) => {
    const problem = filter.toProblem(new NotFoundException(`Cannot ${req.method} ${req.path}`), req);
    res.status(404).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
  return document;
}

export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Groundswell API')
      .setDescription(
        'Support versus opposition for a cause over time, measured from social posts with explainable stance. ' +
          'Errors are RFC 9457 problem+json. Write routes need the admin key; reads need a read key only when the ' +
          'server sets READ_API_KEYS.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Admin or read API key' })
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'X-API-Key')
      .addSecurityRequirements('bearer')
      .addSecurityRequirements('X-API-Key')
      .build(),
    { extraModels: [ProblemDetails] },
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    useGlobalPrefix: false,
  });
  return document;
}
