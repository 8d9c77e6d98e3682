import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, RequestMeta, Roles } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { ValidatedBody } from '../common/validation';
import { Role } from '../users/users.enums';
import {
  CreatedPersonalKeyDto,
  CreatePersonalKeyDto,
  PersonalKeyResponseDto,
  RegeneratedApiKeyDto,
  RollPersonalKeyDto,
  UpdatePersonalKeyDto,
} from './dto/personal-key.dto';
import { PersonalKeysService } from './personal-keys.service';
import { RequireFullAccess, RequireScope } from '../common/scopes';

const KeyId = (name = 'id') => Param(name, new ParseUuidOr404Pipe('API key'));
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** The caller's own API keys. Managing keys needs a JWT or a key holding every scope. */
@ApiTags('api-keys (personal)')
@ApiAuth()
@RequireFullAccess()
@Controller('auth')
export class PersonalKeysController {
  constructor(private readonly keys: PersonalKeysService) {}

  @Post('api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key with scopes, expiry and limits of its own (the key is shown once)' })
  @ApiCreatedResponse({ type: CreatedPersonalKeyDto })
  create(
    @CurrentUser() principal: Principal,
    @ValidatedBody() dto: CreatePersonalKeyDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedPersonalKeyDto> {
    noStore(reply);
    return this.keys.create(principal, dto, meta);
  }

  @Get('api-keys')
  @ApiOperation({ summary: 'Your API keys, newest first (never the keys themselves)' })
  @ApiOkResponse({ type: PersonalKeyResponseDto, isArray: true })
  list(@CurrentUser() principal: Principal): Promise<PersonalKeyResponseDto[]> {
    return this.keys.list(principal.user);
  }

  @Get('api-keys/:id')
  @ApiOperation({ summary: 'One of your API keys' })
  @ApiOkResponse({ type: PersonalKeyResponseDto })
  get(@CurrentUser() principal: Principal, @KeyId() id: string): Promise<PersonalKeyResponseDto> {
    return this.keys.get(principal.user, id);
  }

  @Patch('api-keys/:id')
  @ApiOperation({ summary: 'Rename a key, narrow its scopes or change its limits' })
  @ApiOkResponse({ type: PersonalKeyResponseDto })
  update(
    @CurrentUser() principal: Principal,
    @KeyId() id: string,
    @ValidatedBody() dto: UpdatePersonalKeyDto,
  ): Promise<PersonalKeyResponseDto> {
    return this.keys.update(principal, id, dto);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a key; it stops working on its next use' })
  @ApiNoContentResponse()
  async remove(
    @CurrentUser() principal: Principal,
    @KeyId() id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.keys.delete(principal.user.id, id, meta);
  }

  @Post('api-keys/:id/roll')
  @HttpCode(201)
  @ApiOperation({ summary: 'A new secret for the key (shown once); the old one works for overlap_seconds, then dies' })
  @ApiCreatedResponse({ type: CreatedPersonalKeyDto })
  roll(
    @CurrentUser() principal: Principal,
    @KeyId() id: string,
    @ValidatedBody() dto: RollPersonalKeyDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedPersonalKeyDto> {
    noStore(reply);
    return this.keys.roll(principal.user, id, dto?.overlap_seconds ?? 0, meta);
  }

  @Post('regenerate-api-key')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the `default` API key (shown once); the old key stops working at once' })
  @ApiOkResponse({ type: RegeneratedApiKeyDto })
  regenerate(
    @CurrentUser() principal: Principal,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegeneratedApiKeyDto> {
    noStore(reply);
    return this.keys.regenerate(principal, meta);
  }
}

/** Admins: a user's API keys. */
@ApiTags('admin')
@ApiAuth()
@Roles(Role.Admin)
@RequireScope('admin')
@Controller('auth/admin/users')
export class AdminPersonalKeysController {
  constructor(private readonly keys: PersonalKeysService) {}

  @Get(':id/api-keys')
  @ApiOperation({ summary: "Admin: a user's API keys, newest first" })
  @ApiOkResponse({ type: PersonalKeyResponseDto, isArray: true })
  async list(@Param('id', new ParseUuidOr404Pipe('User')) userId: string): Promise<PersonalKeyResponseDto[]> {
    return this.keys.listForAdmin(userId);
  }

  @Delete(':id/api-keys/:kid')
  @HttpCode(204)
  @ApiOperation({ summary: "Admin: delete a user's API key; it stops working on its next use" })
  @ApiNoContentResponse()
  async remove(
    @CurrentUser() principal: Principal,
    @Param('id', new ParseUuidOr404Pipe('User')) userId: string,
    @KeyId('kid') id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.keys.delete(userId, id, meta, principal.user.id);
  }
}
