import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/decorators';
import { SigningKeyService } from './signing-key.service';

@ApiTags('oauth')
@Controller('.well-known')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get('jwks.json')
  @Public()
  @ApiOperation({ summary: 'Public keys that verify Voicegate tokens (RFC 7517): current, next and retired keys' })
  jwks(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'public, max-age=300');
    return this.keys.jwks();
  }
}
