import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/decorators';
import { SigningKeyService } from './signing-key.service';
import { JwksResponseDto } from './dto/jwks-response.dto';

@ApiTags('oauth')
@Controller('.well-known')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get('jwks.json')
  @Public()
  @ApiOperation({ summary: 'Public keys that verify Voicegate tokens (RFC 7517): current, next and retired keys' })
  @ApiOkResponse({ type: JwksResponseDto })
  jwks(@Res({ passthrough: true }) reply: FastifyReply): JwksResponseDto {
    reply.header('cache-control', 'public, max-age=300');
    return this.keys.jwks();
  }
}
