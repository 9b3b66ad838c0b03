import { readFileSync } from 'node:fs';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { fromRoot } from '../../common/project-root';

const ASSETS: Record<string, string> = {
  'chat.js': 'text/javascript; charset=utf-8',
  'chat.css': 'text/css; charset=utf-8',
};

/** The chat page and its two assets, read once at start (no CDN, no build step). */
@ApiExcludeController()
@Controller()
export class WebPageController {
  private readonly files = new Map<string, string>();

  constructor() {
    for (const name of ['index.html', ...Object.keys(ASSETS)]) {
      this.files.set(name, readFileSync(fromRoot('src/channels/web/public', name), 'utf8'));
    }
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  page(): string {
    return this.files.get('index.html')!;
  }

  @Get('chat-assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const body = this.files.get(name);
    if (!body || !ASSETS[name]) throw new NotFoundException();
    void reply.header('content-type', ASSETS[name]).header('cache-control', 'no-cache');
    return body;
  }
}
