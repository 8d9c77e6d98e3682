import { Controller, Get, HttpCode, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, Public, RequestMeta } from '../common/decorators';
import { AppError, ErrorCode } from '../common/errors';
import { Principal, RequestMetadata } from '../common/principal';
import { ValidatedBody } from '../common/validation';
import { AuthRateLimit } from '../rate-limit/rate-limit.decorators';
import { User } from '../users/entities/user.entity';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { USER_OUT_SCHEMA } from '../users/user.mapper';
import { UsersService } from '../users/users.service';
import { PrincipalCache } from './credential/principal-cache';
import { UserPresenter } from './user-presenter';
import { AuthService } from './auth.service';
import {
  ChangePasswordDto,
  isGrantType,
  LoginDto,
  LogoutDto,
  MFA_OTP_GRANT,
  RefreshDto,
  RegisterDto,
  TokenRequestDto,
  UpdateProfileDto,
} from './dto/auth.dto';
import {
  LoginResponseDto,
  MfaRequiredResponseDto,
  RefreshResponseDto,
  RegisterResponseDto,
  TokenResponseDto,
} from './dto/auth-response.dto';
import { LocalAuthGuard } from './guards/local-auth.guard';
import { ProfileService } from './profile.service';
import { TokenPair } from './token.service';
import { RequireFullAccess, RequireScope, requiredFullAccess } from '../common/scopes';
import { PasswordWork } from './guards/pre-parse-admission';

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
export const wireTokens = (t: TokenPair): TokenResponseDto => ({
  access_token: t.access_token,
  token_type: t.token_type,
  expires_in: t.expires_in,
  refresh_token: t.refresh_token,
});
/** The body of a completed sign-in (/auth/login, /auth/mfa/verify, /auth/passkeys/login/verify). */
export const loginBody = (user: UserResponseDto, tokens: TokenPair, sessionId: string): LoginResponseDto => ({
  success: true,
  user,
  tokens: wireTokens(tokens),
  session_id: sessionId,
});

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly profile: ProfileService,
    private readonly state: PrincipalCache,
    private readonly present: UserPresenter,
  ) {}

  @Post('register')
  @PasswordWork()
  @Public()
  @AuthRateLimit()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account; returns the user and their personal API key (shown once)' })
  @ApiCreatedResponse({ type: RegisterResponseDto })
  async register(
    @ValidatedBody() dto: RegisterDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisterResponseDto> {
    const { user, apiKey } = await this.users.create(
      { email: dto.email, username: dto.username, password: dto.password, fullName: dto.full_name, registration: true },
      meta,
    );
    noStore(reply);
    return { ...this.present.user(user), api_key: apiKey };
  }

  @Post('token')
  @PasswordWork()
  @Public()
  @AuthRateLimit()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: TokenRequestDto })
  @ApiOperation({
    summary:
      'OAuth2 token endpoint (RFC 6749): password, refresh_token and urn:voicegate:grant-type:mfa-otp (mfa_token + otp) grants',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  async token(
    @Req() req: FastifyRequest,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const body = (
      typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {}
    ) as Record<string, unknown>;
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
    const grant = str('grant_type') ?? 'password';
    noStore(reply);
    if (!isGrantType(grant))
      throw new AppError(ErrorCode.UnsupportedGrantType, `Unsupported grant_type "${grant.slice(0, 64)}"`, {
        extensions: { error: 'unsupported_grant_type' },
      });
    if (grant === 'refresh_token') {
      const rt = str('refresh_token');
      if (!rt) throw this.invalidRequest('refresh_token');
      return wireTokens((await this.auth.refresh(rt, meta)).tokens);
    }
    if (grant === MFA_OTP_GRANT) {
      const mfaToken = str('mfa_token');
      const otp = str('otp');
      if (!mfaToken || !otp) throw this.invalidRequest(!mfaToken ? 'mfa_token' : 'otp');
      return wireTokens((await this.auth.completeSecondFactor(mfaToken, otp, meta)).tokens);
    }
    const username = str('username');
    const password = str('password');
    if (!username || !password) throw this.invalidRequest(!username ? 'username' : 'password');
    const user = await this.auth.verifyPassword(username, password, meta, 'oauth2_password');
    const signedIn = await this.auth.afterPassword(user, meta, {
      method: 'oauth2_password',
      login: username,
      deviceName: str('client_id') ?? null,
    });
    if ('challenge' in signedIn)
      throw new AppError(ErrorCode.MfaRequired, 'A second factor is required', {
        extensions: {
          error: 'mfa_required',
          error_description: `Send the code with grant_type=${MFA_OTP_GRANT}, mfa_token and otp`,
          ...signedIn.challenge,
        },
      });
    return wireTokens(signedIn.tokens);
  }

  @Post('login')
  @PasswordWork()
  @Public()
  @AuthRateLimit()
  @UseGuards(LocalAuthGuard)
  @HttpCode(200)
  @ApiBody({ type: LoginDto })
  @ApiOperation({
    summary:
      'Sign in with username or email and password: the user, tokens and session id, or `mfa_required` with an mfa_token',
  })
  @ApiExtraModels(LoginResponseDto, MfaRequiredResponseDto)
  @ApiOkResponse({
    description: 'Signed in, or a second factor is due',
    schema: { oneOf: [{ $ref: getSchemaPath(LoginResponseDto) }, { $ref: getSchemaPath(MfaRequiredResponseDto) }] },
  })
  async login(
    @Req() req: FastifyRequest & { user: User },
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponseDto | MfaRequiredResponseDto> {
    const body = req.body as LoginDto;
    const signedIn = await this.auth.afterPassword(req.user, meta, {
      method: 'password',
      login: body.username,
      deviceName: body.device_name ?? null,
    });
    noStore(reply);
    if ('challenge' in signedIn) return { success: false, mfa_required: true, ...signedIn.challenge };
    return loginBody(this.present.user(req.user), signedIn.tokens, signedIn.session.id);
  }

  @Post('refresh')
  @Public()
  @AuthRateLimit()
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token: new access and refresh tokens; the old refresh token dies' })
  @ApiOkResponse({ type: RefreshResponseDto })
  async refresh(
    @ValidatedBody() dto: RefreshDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefreshResponseDto> {
    const { tokens, session } = await this.auth.refresh(dto.refresh_token, meta);
    noStore(reply);
    return { success: true, tokens: wireTokens(tokens), session_id: session.id, ...wireTokens(tokens) };
  }

  @Post('logout')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session (or every session with all_devices); its tokens stop working at once' })
  async logout(
    @CurrentUser() principal: Principal,
    @ValidatedBody() dto: LogoutDto,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.auth.logout(principal, dto?.all_devices === true, meta);
  }

  @Get('me')
  @RequireScope('profile:read')
  @ApiAuth()
  @ApiOperation({ summary: 'The current user' })
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  async me(@CurrentUser() principal: Principal) {
    // The row the guard just resolved, from the principal cache (no query when nothing changed).
    const profile = await this.state.profile(principal.user.id);
    if (!profile) throw AppError.notFound('User');
    return this.present.user(profile);
  }

  @Get('profile')
  @RequireScope('profile:read')
  @ApiAuth()
  @ApiOperation({ summary: 'The current user (the same as GET /auth/me)' })
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  profileGet(@CurrentUser() principal: Principal) {
    return this.me(principal);
  }

  @Put('profile')
  @RequireScope('profile:write')
  @ApiAuth()
  @ApiOperation({ summary: 'Update name, username, email (needs current_password) and settings' })
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  async profileUpdate(
    @CurrentUser() principal: Principal,
    @ValidatedBody() dto: UpdateProfileDto,
    @RequestMeta() meta: RequestMetadata,
  ) {
    if (dto.email !== undefined) requiredFullAccess(principal); // an email change is account management
    return this.present.user(await this.profile.update(principal, dto, meta));
  }

  @Post('change-password')
  @RequireFullAccess()
  @PasswordWork()
  @ApiAuth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change the password; every other session ends' })
  async changePassword(
    @CurrentUser() principal: Principal,
    @ValidatedBody() dto: ChangePasswordDto,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.auth.changePassword(principal, dto.current_password, dto.new_password, meta);
  }

  private invalidRequest(field: string): AppError {
    return new AppError(ErrorCode.BadRequest, `Missing required parameter: ${field}`, {
      extensions: { error: 'invalid_request', error_description: `${field} is required` },
      errors: [{ field, message: 'is required' }],
    });
  }
}
