import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser } from '../common/decorators';
import { Principal } from '../common/principal';
import { ValidatedBody } from '../common/validation';
import { CreateStreamTokenDto } from './dto/create-stream-token.dto';
import { StreamTokenResponseDto } from './dto/stream-token-response.dto';
import { StreamTokenService } from './stream-token.service';
import { AnyScope } from '../common/scopes';

@ApiTags('auth')
@Controller('auth')
export class StreamTokensController {
  constructor(private readonly streams: StreamTokenService) {}

  @Post('stream-token')
  // A key may mint a stream token for a speech scope it holds: the service checks that scope.
  @AnyScope()
  @ApiAuth()
  @HttpCode(201)
  @ApiOperation({
    summary: 'A short-lived, single-use token for one speech stream (WebSocket), accepted only by the gate',
  })
  @ApiCreatedResponse({ type: StreamTokenResponseDto })
  create(
    @CurrentUser() principal: Principal,
    @ValidatedBody() dto: CreateStreamTokenDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): StreamTokenResponseDto {
    const { token, expires_in } = this.streams.mint(principal, dto.scope, dto.ttl_seconds);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return { token, expires_in };
  }
}
