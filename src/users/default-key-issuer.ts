import { EventUnit, UnitSteps } from '../database/unit-of-work';

/**
 * Makes a new user's `default` API key inside the unit that inserts the user, so the user never exists without
 * it. Implemented by the personal-keys module, which owns the keys table and registers itself with UsersService.
 */
export interface DefaultKeyIssuer {
  /** Inserts the key (and publishes `api_key.created`); returns the secret, shown once. */
  issue(unit: EventUnit, userId: string, at: Date): UnitSteps<{ key: string; prefix: string }>;
}
