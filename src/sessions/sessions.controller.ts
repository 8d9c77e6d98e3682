import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, RequestMeta } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { SecurityEventType } from '../audit/audit.events';
import { responseSchema } from '../common/response-schema';
import { SessionResponseDto } from './dto/session-response.dto';
import { SessionsService, toSessionOut } from './sessions.service';
import { RequireFullAccess } from '../common/scopes';

@ApiTags('sessions')
@ApiAuth()
@RequireFullAccess()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: 'Active sessions of the current user; `current` marks this one' })
  @ApiOkResponse({ type: SessionResponseDto, isArray: true })
  @RouteSchema({ response: { 200: { type: 'array', items: responseSchema(SessionResponseDto) } } })
  async list(@CurrentUser() principal: Principal) {
    const sessions = await this.sessions.listForUser(principal.user.id);
    return sessions.map((s) => toSessionOut(s, principal.sessionId));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of your sessions' })
  async revoke(
    @CurrentUser() principal: Principal,
    @Param('id', new ParseUuidOr404Pipe('Session')) id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.sessions.getOwned(principal.user.id, id);
    await this.sessions.revoke(id, 'user_revoked', { actorId: principal.user.id, meta });
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke every session except the current one' })
  async revokeOthers(@CurrentUser() principal: Principal, @RequestMeta() meta: RequestMetadata): Promise<void> {
    const n = await this.sessions.revokeAll(principal.user.id, 'user_revoked_others', principal.sessionId);
    this.sessions.emit({
      type: SecurityEventType.SessionRevoked,
      userId: principal.user.id,
      meta,
      details: { sessions_revoked: n, all_but_current: true },
    });
  }
}
