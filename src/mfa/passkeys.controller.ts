import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply } from 'fastify';
import { loginBody } from '../auth/auth.controller';
import { UserPresenter } from '../auth/user-presenter';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, Public, RequestMeta } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { ValidatedBody } from '../common/validation';
import { RequireFullAccess, RequireScope } from '../common/scopes';
import { AuthRateLimit } from '../rate-limit/rate-limit.decorators';
import { UsersService } from '../users/users.service';
import { PasskeyLoginDto, PasskeyLoginOptionsDto, PasskeyRegisterDto, PasskeyRenameDto } from './dto/mfa.dto';
import { PasskeyResponseDto } from './dto/mfa-response.dto';
import { noStore } from './mfa.controller';
import { MfaService } from './mfa.service';
import { PasskeysService, toPasskeyOut } from './passkeys.service';

const PasskeyId = () => Param('id', new ParseUuidOr404Pipe('Passkey'));

/** Passkeys (WebAuthn): registration, the list, and passwordless sign-in. Options and responses use WebAuthn's JSON. */
@ApiTags('passkeys')
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(
    private readonly mfa: MfaService,
    private readonly passkeys: PasskeysService,
    private readonly users: UsersService,
    private readonly present: UserPresenter,
  ) {}

  @Post('register/options')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Creation options for a new passkey (a challenge valid 5 minutes, used once)' })
  async registerOptions(@CurrentUser() p: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    noStore(reply);
    return this.passkeys.registrationOptions(await this.users.getById(p.user.id));
  }

  @Post('register/verify')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Register the passkey the browser created from the options' })
  @ApiCreatedResponse({ type: PasskeyResponseDto })
  async registerVerify(
    @CurrentUser() p: Principal,
    @ValidatedBody() dto: PasskeyRegisterDto,
    @RequestMeta() meta: RequestMetadata,
  ) {
    return this.mfa.registerPasskey(p, dto.response as unknown as RegistrationResponseJSON, dto.name, meta);
  }

  @Get()
  @RequireScope('profile:read')
  @ApiAuth()
  @ApiOperation({ summary: "The caller's passkeys" })
  @ApiOkResponse({ type: PasskeyResponseDto, isArray: true })
  async list(@CurrentUser() p: Principal): Promise<PasskeyResponseDto[]> {
    return (await this.passkeys.list(p.user.id)).map(toPasskeyOut);
  }

  @Patch(':id')
  @RequireFullAccess()
  @ApiAuth()
  @ApiOperation({ summary: 'Rename a passkey' })
  @ApiOkResponse({ type: PasskeyResponseDto })
  rename(
    @CurrentUser() p: Principal,
    @PasskeyId() id: string,
    @ValidatedBody() dto: PasskeyRenameDto,
    @RequestMeta() meta: RequestMetadata,
  ) {
    return this.mfa.renamePasskey(p, id, dto.name, meta);
  }

  @Delete(':id')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Delete a passkey (404 when it is not the caller’s)' })
  async remove(@CurrentUser() p: Principal, @PasskeyId() id: string, @RequestMeta() meta: RequestMetadata) {
    await this.mfa.deletePasskey(p, id, meta);
  }

  @Post('login/options')
  @Public()
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Request options for a passkey sign-in (`username?`), or for answering a sign-in step (`mfa_token`)',
  })
  async loginOptions(@ValidatedBody() dto: PasskeyLoginOptionsDto, @Res({ passthrough: true }) reply: FastifyReply) {
    noStore(reply);
    return this.mfa.loginOptions(dto ?? {});
  }

  @Post('login/verify')
  @Public()
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with a passkey (both factors): the /auth/login body' })
  async loginVerify(
    @ValidatedBody() dto: PasskeyLoginDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    noStore(reply);
    const { user, tokens, session } = await this.mfa.passkeyLogin(
      dto.response as unknown as AuthenticationResponseJSON,
      meta,
    );
    return loginBody(this.present.user(user), tokens, session.id);
  }
}
