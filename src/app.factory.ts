import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LoggerService, Type } from '@nestjs/common';
import { newCorrelationId, runWithCorrelationId } from './common/correlation';
import { parseTrustProxy, type TrustProxy } from './common/trust-proxy';
import { HttpErrorFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation.pipe';
import { MetricsService } from './metrics/metrics.service';

const BODY_LIMIT = 1024 * 1024;

/** The console serves only its own scripts, styles and images, and is never framed. */
const CONSOLE_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'same-origin' as const },
};

/**
 * The HTTP application as production runs it: Fastify, raw bodies kept for webhook signatures,
 * 1 MB body limit (larger → 413), validation, JSON errors, a correlation id per request, OpenAPI
 * at /api/docs. Tests build the app through here too.
 */
export async function createApp(
  module: Type<unknown>,
  options: { logger?: LoggerService | false } = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, createAdapter(), {
    rawBody: true,
    logger: options.logger === undefined ? undefined : options.logger,
    bufferLogs: options.logger !== false,
    abortOnError: false,
  });
  return configureApp(app);
}

/**
 * trustProxy follows TRUST_PROXY (validated at start; off by default): trusting every
 * X-Forwarded-For would let a client pick its own address for the login lock-out and the audit.
 */
export function createAdapter(trustProxy: TrustProxy = trustProxyFromEnv()): FastifyAdapter {
  return new FastifyAdapter({ bodyLimit: BODY_LIMIT, trustProxy });
}

function trustProxyFromEnv(): TrustProxy {
  const parsed = parseTrustProxy(process.env.TRUST_PROXY);
  return Array.isArray(parsed) || typeof parsed !== 'object' ? parsed : false;
}

/** An application composed without the metrics module (a test of one feature) counts nothing. */
function metricsOf(app: NestFastifyApplication): MetricsService | undefined {
  try {
    return app.get(MetricsService, { strict: false });
  } catch {
    return undefined;
  }
}

/** Everything after creation; also applied to apps built from a testing module (overridden providers). */
export function configureApp(app: NestFastifyApplication): NestFastifyApplication {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    const header = request.headers['x-correlation-id'];
    const id = typeof header === 'string' && /^[\w-]{8,64}$/.test(header) ? header : newCorrelationId();
    void reply.header('x-correlation-id', id);
    runWithCorrelationId(id, done);
  });
  // Registered without global headers: the console gets the strict set below; the web chat page may
  // be framed by a unit's own website, and Swagger UI needs its inline scripts.
  void fastify.register(helmet, { global: false });
  fastify.addHook('onRequest', (request, reply, done) => {
    // helmet sets the headers synchronously (an Express-style middleware under the decorator).
    if (request.url === '/console' || request.url.startsWith('/console/')) void reply.helmet(CONSOLE_HEADERS);
    else void reply.header('x-content-type-options', 'nosniff');
    done();
  });
  const metrics = metricsOf(app);
  if (metrics)
    // The matched route's pattern, never the URL: ids, session ids and query strings stay out.
    fastify.addHook('onResponse', (request, reply, done) => {
      metrics.httpRequest(request.routeOptions.url, reply.statusCode);
      done();
    });
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalPipes(createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Outreach bot')
      .setDescription(
        'Web chat API, units, health. Webhooks for Messenger and Zalo OA are documented in the README.',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
