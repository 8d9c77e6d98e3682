import { Injectable } from '@nestjs/common';
import { SecurityEventType } from '../audit/audit.events';
import { AppError } from '../common/errors';
import { Principal, RequestMetadata } from '../common/principal';
import { User } from '../users/entities/user.entity';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { UpdateProfileDto } from './dto/auth.dto';

const MAX_SETTINGS_BYTES = 16 * 1024;

@Injectable()
export class ProfileService {
  constructor(
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly userRows: UsersRepository,
  ) {}

  async update(principal: Principal, dto: UpdateProfileDto, meta: Partial<RequestMetadata>): Promise<User> {
    const user = await this.users.getById(principal.user.id);
    const changes: Partial<User> = {};
    if (dto.full_name !== undefined) changes.fullName = dto.full_name?.trim() || null;
    if (dto.settings !== undefined) {
      if (Buffer.byteLength(JSON.stringify(dto.settings)) > MAX_SETTINGS_BYTES)
        throw AppError.validation([
          { field: 'settings', message: `must be at most ${MAX_SETTINGS_BYTES} bytes of JSON` },
        ]);
      changes.settings = dto.settings;
    }
    if (dto.username !== undefined && dto.username !== user.username) {
      changes.username = dto.username;
      changes.usernameCanonical = dto.username.toLowerCase();
    }
    if (dto.email !== undefined && UsersService.normalizeEmail(dto.email) !== user.email) {
      if (!dto.current_password)
        throw AppError.validation([{ field: 'current_password', message: 'is required to change the email address' }]);
      await this.auth.checkCurrentPassword(user, dto.current_password, meta);
      changes.email = UsersService.normalizeEmail(dto.email);
      changes.isVerified = false;
    }
    if (!Object.keys(changes).length) return user;
    await this.users.assertAvailable(changes.email ?? null, changes.usernameCanonical ?? null, user.id);
    try {
      await this.userRows.update(user.id, changes, { previous_email: user.email });
    } catch (err) {
      throw this.users.duplicateError(err) ?? err;
    }
    this.users.emit({
      type: SecurityEventType.ProfileUpdated,
      userId: user.id,
      meta,
      details: { fields: Object.keys(dto).filter((k) => k !== 'current_password') },
    });
    return this.users.getById(user.id);
  }
}
