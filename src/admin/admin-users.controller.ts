import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RouteSchema } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { PasswordWork } from '../auth/guards/pre-parse-admission';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, RequestMeta, Roles } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { ValidatedBody, ValidatedQuery } from '../common/validation';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { USER_OUT_SCHEMA } from '../users/user.mapper';
import { Role } from '../users/users.enums';
import { AdminQueryService } from './admin-query.service';
import { AdminActor, AdminUsersService } from './admin-users.service';
import {
  AdminSessionDto,
  BulkResultDto,
  CreateUserResponseDto,
  GeneratedPasswordDto,
  UserDetailDto,
  UserListDto,
} from './dto/admin-response.dto';
import { BulkActionDto } from './dto/bulk-action.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { PageQueryDto } from '../common/page-query.dto';
import { LoginHistoryPageDto } from '../audit/dto/audit-response.dto';
import { ResetPasswordDto } from './dto/reset-password.dto';
import { SuspendUserDto } from './dto/suspend-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { RequireScope } from '../common/scopes';

const UserId = () => Param('id', new ParseUuidOr404Pipe('User'));
function SessionId(): ParameterDecorator {
  return Param('sid', new ParseUuidOr404Pipe('Session'));
}
const actor = (p: Principal, meta: RequestMetadata): AdminActor => ({ id: p.user.id, sessionId: p.sessionId, meta });
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** Admin user management. Admins only, by JWT or by their API key. */
@ApiTags('admin')
@ApiAuth()
@Roles(Role.Admin)
@RequireScope('admin')
@Controller('auth/admin/users')
export class AdminUsersController {
  constructor(
    private readonly admin: AdminUsersService,
    private readonly query: AdminQueryService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Search, filter, sort and page through users' })
  @ApiOkResponse({ type: UserListDto })
  list(@ValidatedQuery() q: ListUsersQueryDto): Promise<UserListDto> {
    return this.query.list(q);
  }

  @Post()
  @PasswordWork()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create a user; returns their API key, and a generated password when none was given (both shown once)',
  })
  @ApiCreatedResponse({ type: CreateUserResponseDto })
  async create(
    @CurrentUser() p: Principal,
    @ValidatedBody() dto: CreateUserDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreateUserResponseDto> {
    const created = await this.admin.create(actor(p, meta), dto);
    noStore(reply);
    return created;
  }

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Apply one action to up to 100 users; per-user results (a failure does not stop the others)',
  })
  @ApiOkResponse({ type: BulkResultDto })
  bulk(
    @CurrentUser() p: Principal,
    @ValidatedBody() dto: BulkActionDto,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<BulkResultDto> {
    return this.admin.bulk(actor(p, meta), dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A user with recent sign-ins, live sessions, recent security events and usage' })
  @ApiOkResponse({ type: UserDetailDto })
  detail(@CurrentUser() p: Principal, @UserId() id: string): Promise<UserDetailDto> {
    return this.query.detail(id, p.sessionId);
  }

  @Put(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  @ApiOperation({
    summary: 'Update profile, role, flags and rate limits (role/limit changes apply from the next request)',
  })
  update(
    @CurrentUser() p: Principal,
    @UserId() id: string,
    @ValidatedBody() dto: UpdateUserDto,
    @RequestMeta() meta: RequestMetadata,
  ) {
    return this.admin.update(actor(p, meta), id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a user with their sessions, service keys and jobs (the audit trail stays)' })
  @ApiNoContentResponse()
  async remove(@CurrentUser() p: Principal, @UserId() id: string, @RequestMeta() meta: RequestMetadata): Promise<void> {
    await this.admin.remove(actor(p, meta), id);
  }

  @Post(':id/suspend')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Suspend: every session ends and tokens and API key are refused (403) at once' })
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  suspend(
    @CurrentUser() p: Principal,
    @UserId() id: string,
    @ValidatedBody() dto: SuspendUserDto,
    @RequestMeta() meta: RequestMetadata,
  ) {
    return this.admin.suspend(actor(p, meta), id, dto.reason);
  }

  @Post(':id/unsuspend')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Lift a suspension' })
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  unsuspend(@CurrentUser() p: Principal, @UserId() id: string, @RequestMeta() meta: RequestMetadata) {
    return this.admin.unsuspend(actor(p, meta), id);
  }

  @Post(':id/unlock')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Clear a lockout after failed sign-ins' })
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  unlock(@CurrentUser() p: Principal, @UserId() id: string, @RequestMeta() meta: RequestMetadata) {
    return this.admin.unlock(actor(p, meta), id);
  }

  @Post(':id/reset-password')
  @PasswordWork()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Set a new password (or generate one: 200 with it, shown once; else 204); ends every session, clears the lockout',
  })
  @ApiOkResponse({ type: GeneratedPasswordDto, description: 'When none was given: the generated password' })
  @ApiNoContentResponse({ description: 'The given password was set' })
  async resetPassword(
    @CurrentUser() p: Principal,
    @UserId() id: string,
    @ValidatedBody() dto: ResetPasswordDto,
    @RequestMeta() meta: RequestMetadata,
    @Res() reply: FastifyReply,
  ) {
    const generated = await this.admin.resetPassword(actor(p, meta), id, dto?.new_password);
    noStore(reply);
    // Two success statuses, so the reply is sent here rather than by Nest (which would impose one).
    if (generated) {
      const body: GeneratedPasswordDto = { generated_password: generated };
      return reply.code(HttpStatus.OK).send(body);
    }
    return reply.code(HttpStatus.NO_CONTENT).send();
  }

  @Get(':id/login-history')
  @ApiOperation({ summary: "The user's sign-in attempts, newest first, paginated" })
  @ApiOkResponse({ type: LoginHistoryPageDto })
  loginHistory(@UserId() id: string, @ValidatedQuery() q: PageQueryDto): Promise<LoginHistoryPageDto> {
    return this.query.loginHistory(id, q.page, q.per_page);
  }

  @Get(':id/sessions')
  @ApiOperation({ summary: "The user's sessions, newest first, ended ones included (`active` tells them apart)" })
  @ApiOkResponse({ type: [AdminSessionDto] })
  sessions(@CurrentUser() p: Principal, @UserId() id: string): Promise<AdminSessionDto[]> {
    return this.query.sessionsOf(id, p.sessionId);
  }

  @Delete(':id/sessions')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End every session of the user at once' })
  @ApiNoContentResponse()
  async revokeSessions(
    @CurrentUser() p: Principal,
    @UserId() id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.admin.revokeSessions(actor(p, meta), id);
  }

  @Delete(':id/sessions/:sid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End one session of the user (404 when it is not theirs)' })
  @ApiNoContentResponse()
  async revokeSession(
    @CurrentUser() p: Principal,
    @UserId() id: string,
    @SessionId() sid: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.admin.revokeSession(actor(p, meta), id, sid);
  }
}
