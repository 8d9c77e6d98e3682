// Generated from /openapi.json by `npm run gen:api-types` (openapi-typescript). Do not edit.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and dependencies: 200 healthy, 503 when the database or Redis is down */
        get: operations["HealthController_health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account; returns the user and their personal API key (shown once) */
        post: operations["AuthController_register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OAuth2 token endpoint (RFC 6749): password, refresh_token and urn:voicegate:grant-type:mfa-otp (mfa_token + otp) grants */
        post: operations["AuthController_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with username or email and password: the user, tokens and session id, or `mfa_required` with an mfa_token */
        post: operations["AuthController_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate a refresh token: new access and refresh tokens; the old refresh token dies */
        post: operations["AuthController_refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End this session (or every session with all_devices); its tokens stop working at once
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["AuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The current user */
        get: operations["AuthController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/profile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The current user (the same as GET /auth/me) */
        get: operations["AuthController_profileGet"];
        /** Update name, username, email (needs current_password) and settings */
        put: operations["AuthController_profileUpdate"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/change-password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the password; every other session ends
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["AuthController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login-history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your login attempts, newest first (paginated) */
        get: operations["AuditController_loginHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/security-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Security events about you, newest first (paginated); filter by type, severity and time */
        get: operations["AuditController_securityEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/security-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Admin: every security event, newest first (paginated); filter by type, severity, user and time */
        get: operations["AuditController_adminSecurityEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your service keys, newest first */
        get: operations["ServiceKeysController_list"];
        put?: never;
        /** Store a third-party service key, encrypted */
        post: operations["ServiceKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your service keys (without the key itself) */
        get: operations["ServiceKeysController_get"];
        put?: never;
        post?: never;
        /** Delete one of your service keys */
        delete: operations["ServiceKeysController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys/{id}/reveal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decrypt one of your service keys (audited; marks it used) */
        post: operations["ServiceKeysController_reveal"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search, filter, sort and page through users */
        get: operations["AdminUsersController_list"];
        put?: never;
        /** Create a user; returns their API key, and a generated password when none was given (both shown once) */
        post: operations["AdminUsersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Apply one action to up to 100 users; per-user results (a failure does not stop the others) */
        post: operations["AdminUsersController_bulk"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user with recent sign-ins, live sessions, recent security events and usage */
        get: operations["AdminUsersController_detail"];
        /** Update profile, role, flags and rate limits (role/limit changes apply from the next request) */
        put: operations["AdminUsersController_update"];
        post?: never;
        /** Delete a user with their sessions, service keys and jobs (the audit trail stays) */
        delete: operations["AdminUsersController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Suspend: every session ends and tokens and API key are refused (403) at once */
        post: operations["AdminUsersController_suspend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/unsuspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lift a suspension */
        post: operations["AdminUsersController_unsuspend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/unlock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Clear a lockout after failed sign-ins */
        post: operations["AdminUsersController_unlock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/reset-password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password (or generate one: 200 with it, shown once; else 204); ends every session, clears the lockout */
        post: operations["AdminUsersController_resetPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/login-history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The user's sign-in attempts, newest first, paginated */
        get: operations["AdminUsersController_loginHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The user's sessions, newest first, ended ones included (`active` tells them apart) */
        get: operations["AdminUsersController_sessions"];
        put?: never;
        post?: never;
        /** End every session of the user at once */
        delete: operations["AdminUsersController_revokeSessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/sessions/{sid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End one session of the user (404 when it is not theirs) */
        delete: operations["AdminUsersController_revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dashboard figures: users by status and role, sign-ins per day (30 UTC days), jobs, live sessions, gate traffic */
        get: operations["AdminStatsController_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your jobs, newest first (transcripts not included) */
        get: operations["JobsController_list"];
        put?: never;
        /** Record a new job (status pending) */
        post: operations["JobsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/stats/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statistics over all your jobs
         * @description success_rate is completed / (completed + failed) as a fraction 0..1 rounded to 4 places (0 when none finished).
         */
        get: operations["JobsController_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your jobs, with its transcript */
        get: operations["JobsController_get"];
        put?: never;
        post?: never;
        /** Delete one of your jobs from the history */
        delete: operations["JobsController_remove"];
        options?: never;
        head?: never;
        /**
         * Change the status of one of your jobs
         * @description pending → processing | completed | failed; processing → completed | failed; anything else is 409 INVALID_STATE_TRANSITION. Completing counts toward your usage.
         */
        patch: operations["JobsController_update"];
        trace?: never;
    };
    "/auth/stream-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived, single-use token for one speech stream (WebSocket), accepted only by the gate */
        post: operations["StreamTokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/openid-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** OAuth 2.0 / OpenID Connect discovery: issuer, JWKS and the token endpoints */
        get: operations["OAuthController_discovery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/introspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Token introspection (RFC 7662), for admins and keys holding the introspect scope */
        post: operations["OAuthController_introspect"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Token revocation (RFC 7009): ends a token’s session or deletes an API key; 200 {} whatever the token */
        post: operations["OAuthController_revoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/email-verification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a verification link to the current address (24 h, single use)
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["EmailController_requestVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/email-verification/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm an email address with its link's token; returns the user */
        post: operations["EmailController_confirmVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a password-reset link (1 h, single use); same answer for unknown addresses */
        post: operations["EmailController_requestPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with a reset link's token; every session ends, the lockout clears */
        post: operations["EmailController_confirmPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/send-password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a password-reset link to the user's address */
        post: operations["EmailAdminController_sendPasswordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/send-verification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a verification link to the user's address (409 when already verified) */
        post: operations["EmailAdminController_sendVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every endpoint, newest first (never a secret) */
        get: operations["WebhooksController_list"];
        put?: never;
        /** Register an endpoint; returns its signing secret (whsec_…), shown this once */
        post: operations["WebhooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One endpoint */
        get: operations["WebhooksController_get"];
        put?: never;
        post?: never;
        /** Delete an endpoint and its deliveries */
        delete: operations["WebhooksController_remove"];
        options?: never;
        head?: never;
        /** Change URL, events, description; enabled: true re-enables a disabled endpoint */
        patch: operations["WebhooksController_update"];
        trace?: never;
    };
    "/auth/admin/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new secret (shown once); the old one also signs for 24 h (two v1 signatures) */
        post: operations["WebhooksController_rotateSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The endpoint's deliveries, newest first, with every try, status and response code */
        get: operations["WebhooksController_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/webhooks/{id}/deliveries/{did}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a delivery again now, with the same webhook-id */
        post: operations["WebhooksController_retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue a webhook.test event for this endpoint */
        post: operations["WebhooksController_test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Second factors of the caller: `{totp, passkeys, recovery_codes_remaining}` */
        get: operations["MfaController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/totp/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start TOTP setup: a new secret with its otpauth:// URI and QR code (SVG); pending until confirmed
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["MfaController_setup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm TOTP with a code: enables it and returns 10 recovery codes (shown once)
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["MfaController_confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/recovery-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new set of 10 recovery codes (the old set stops working), authorized by a TOTP code
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["MfaController_regenerate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Disable TOTP (and its recovery codes) with a TOTP code or a recovery code
         * @description API keys need every scope their owner has (or use a JWT).
         */
        delete: operations["MfaController_disable"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Complete a sign-in step: mfa_token with a code, a recovery code or a passkey assertion → the /auth/login body */
        post: operations["MfaController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys/register/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Creation options for a new passkey (a challenge valid 5 minutes, used once)
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["PasskeysController_registerOptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys/register/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register the passkey the browser created from the options
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["PasskeysController_registerVerify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's passkeys */
        get: operations["PasskeysController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a passkey (404 when it is not the caller’s)
         * @description API keys need every scope their owner has (or use a JWT).
         */
        delete: operations["PasskeysController_remove"];
        options?: never;
        head?: never;
        /**
         * Rename a passkey
         * @description API keys need every scope their owner has (or use a JWT).
         */
        patch: operations["PasskeysController_rename"];
        trace?: never;
    };
    "/auth/passkeys/login/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Request options for a passkey sign-in (`username?`), or for answering a sign-in step (`mfa_token`) */
        post: operations["PasskeysController_loginOptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys/login/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with a passkey (both factors): the /auth/login body */
        post: operations["PasskeysController_loginVerify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's second factors: TOTP, recovery codes left, passkeys */
        get: operations["MfaAdminController_detail"];
        put?: never;
        post?: never;
        /** Remove every second factor of a user (audited); the user's sessions end */
        delete: operations["MfaAdminController_reset"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Active sessions of the current user; `current` marks this one
         * @description API keys need every scope their owner has (or use a JWT).
         */
        get: operations["SessionsController_list"];
        put?: never;
        post?: never;
        /**
         * Revoke every session except the current one
         * @description API keys need every scope their owner has (or use a JWT).
         */
        delete: operations["SessionsController_revokeOthers"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke one of your sessions
         * @description API keys need every scope their owner has (or use a JWT).
         */
        delete: operations["SessionsController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys that verify Voicegate tokens (RFC 7517): current, next and retired keys */
        get: operations["SigningKeysController_jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your API keys, newest first (never the keys themselves)
         * @description API keys need every scope their owner has (or use a JWT).
         */
        get: operations["PersonalKeysController_list"];
        put?: never;
        /**
         * Create an API key with scopes, expiry and limits of its own (the key is shown once)
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["PersonalKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One of your API keys
         * @description API keys need every scope their owner has (or use a JWT).
         */
        get: operations["PersonalKeysController_get"];
        put?: never;
        post?: never;
        /**
         * Delete a key; it stops working on its next use
         * @description API keys need every scope their owner has (or use a JWT).
         */
        delete: operations["PersonalKeysController_remove"];
        options?: never;
        head?: never;
        /**
         * Rename a key, narrow its scopes or change its limits
         * @description API keys need every scope their owner has (or use a JWT).
         */
        patch: operations["PersonalKeysController_update"];
        trace?: never;
    };
    "/auth/api-keys/{id}/roll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new secret for the key (shown once); the old one works for overlap_seconds, then dies
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["PersonalKeysController_roll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/regenerate-api-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace the `default` API key (shown once); the old key stops working at once
         * @description API keys need every scope their owner has (or use a JWT).
         */
        post: operations["PersonalKeysController_regenerate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Admin: a user's API keys, newest first */
        get: operations["AdminPersonalKeysController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/admin/users/{id}/api-keys/{kid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Admin: delete a user's API key; it stops working on its next use */
        delete: operations["AdminPersonalKeysController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)
         * @description The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). `?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.
         */
        get: operations["gate_verify_get"];
        /**
         * Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)
         * @description The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). `?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.
         */
        put: operations["gate_verify_put"];
        /**
         * Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)
         * @description The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). `?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.
         */
        post: operations["gate_verify_post"];
        /**
         * Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)
         * @description The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). `?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.
         */
        delete: operations["gate_verify_delete"];
        /**
         * Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)
         * @description The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). `?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.
         */
        options: operations["gate_verify_options"];
        /**
         * Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)
         * @description The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). `?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.
         */
        head: operations["gate_verify_head"];
        /**
         * Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)
         * @description The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). `?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.
         */
        patch: operations["gate_verify_patch"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        HealthResponseDto: {
            /** @enum {string} */
            status: "healthy" | "unhealthy";
            /** @example 1.0.0 */
            version: string;
            /** @enum {string} */
            database: "ok" | "unavailable";
            /**
             * @description `disabled` when no Redis is configured
             * @enum {string}
             */
            redis: "ok" | "unavailable" | "disabled";
            /** @enum {string} */
            driver: "postgres" | "sqlite";
        };
        RegisterDto: {
            /** @description Email address (stored lower-case). */
            email: string;
            /** @description 3–32 of [A-Za-z0-9_.-], unique case-insensitively. */
            username: string;
            /** @description 8–128 characters; not common, not the username/email. */
            password: string;
            full_name?: string;
        };
        EffectiveRateLimitsDto: {
            per_minute: number;
            per_hour: number;
            per_day: number;
        };
        RateLimitOverridesDto: {
            per_minute: number | null;
            per_hour: number | null;
            per_day: number | null;
        };
        MonthUsageDto: {
            transcriptions: number;
            translations: number;
            tts: number;
            audio_seconds: number;
            /**
             * Format: date-time
             * @description When the month ends and the counts start again
             */
            resets_at: string;
        };
        UserUsageDto: {
            total_requests: number;
            transcriptions: number;
            translations: number;
            tts: number;
            month: components["schemas"]["MonthUsageDto"];
        };
        QuotaLimitsDto: {
            transcriptions: number | null;
            translations: number | null;
            tts: number | null;
            audio_seconds: number | null;
        };
        RegisterResponseDto: {
            /** Format: uuid */
            id: string;
            email: string;
            username: string;
            full_name: string | null;
            /** @enum {string} */
            role: "admin" | "user";
            /** @description role is admin */
            is_superuser: boolean;
            is_active: boolean;
            is_verified: boolean;
            is_suspended: boolean;
            suspended_reason: string | null;
            /**
             * Format: date-time
             * @description Set while a lockout lasts
             */
            locked_until: string | null;
            /** @description The limits in force */
            rate_limits: components["schemas"]["EffectiveRateLimitsDto"];
            rate_limit_overrides: components["schemas"]["RateLimitOverridesDto"];
            usage: components["schemas"]["UserUsageDto"];
            quota: components["schemas"]["QuotaLimitsDto"];
            /** @example tk_ab12cd */
            api_key_prefix: string | null;
            /** Format: date-time */
            api_key_created_at: string | null;
            /** Format: date-time */
            api_key_last_used_at: string | null;
            /** @description Free-form client settings */
            settings: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            last_login_at: string | null;
            /** Format: date-time */
            password_changed_at: string | null;
            /** @description The personal API key, shown once */
            api_key: string;
        };
        TokenRequestDto: {
            /** @description "password" (default), "refresh_token" or "urn:voicegate:grant-type:mfa-otp". */
            grant_type?: string;
            username?: string;
            password?: string;
            refresh_token?: string;
            /** @description The sign-in step's token (mfa-otp grant). */
            mfa_token?: string;
            /** @description A TOTP code or a recovery code (mfa-otp grant). */
            otp?: string;
            scope?: string;
            client_id?: string;
            client_secret?: string;
        };
        TokenResponseDto: {
            /** @description A JWT for the Authorization: Bearer header */
            access_token: string;
            /**
             * @example bearer
             * @enum {string}
             */
            token_type: "bearer";
            /**
             * @description Seconds the access token lives
             * @example 900
             */
            expires_in: number;
            /** @description Single use: POST /auth/refresh or grant_type=refresh_token rotates it */
            refresh_token: string;
        };
        UserResponseDto: {
            /** Format: uuid */
            id: string;
            email: string;
            username: string;
            full_name: string | null;
            /** @enum {string} */
            role: "admin" | "user";
            /** @description role is admin */
            is_superuser: boolean;
            is_active: boolean;
            is_verified: boolean;
            is_suspended: boolean;
            suspended_reason: string | null;
            /**
             * Format: date-time
             * @description Set while a lockout lasts
             */
            locked_until: string | null;
            /** @description The limits in force */
            rate_limits: components["schemas"]["EffectiveRateLimitsDto"];
            rate_limit_overrides: components["schemas"]["RateLimitOverridesDto"];
            usage: components["schemas"]["UserUsageDto"];
            quota: components["schemas"]["QuotaLimitsDto"];
            /** @example tk_ab12cd */
            api_key_prefix: string | null;
            /** Format: date-time */
            api_key_created_at: string | null;
            /** Format: date-time */
            api_key_last_used_at: string | null;
            /** @description Free-form client settings */
            settings: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            last_login_at: string | null;
            /** Format: date-time */
            password_changed_at: string | null;
        };
        LoginResponseDto: {
            /** @description Always true */
            success: boolean;
            user: components["schemas"]["UserResponseDto"];
            tokens: components["schemas"]["TokenResponseDto"];
            /** Format: uuid */
            session_id: string;
        };
        MfaRequiredResponseDto: {
            /** @description Always false: no session yet */
            success: boolean;
            /** @description Always true */
            mfa_required: boolean;
            /** @description Opaque, single use, for POST /auth/mfa/verify */
            mfa_token: string;
            /**
             * @example [
             *       "totp",
             *       "recovery_code",
             *       "passkey"
             *     ]
             */
            methods: string[];
            /** @description Seconds the mfa_token stays valid */
            expires_in: number;
        };
        LoginDto: {
            /** @description Username or email. */
            username: string;
            password: string;
            device_name?: string;
        };
        RefreshDto: {
            refresh_token: string;
        };
        RefreshResponseDto: {
            /** @description A JWT for the Authorization: Bearer header */
            access_token: string;
            /**
             * @example bearer
             * @enum {string}
             */
            token_type: "bearer";
            /**
             * @description Seconds the access token lives
             * @example 900
             */
            expires_in: number;
            /** @description Single use: POST /auth/refresh or grant_type=refresh_token rotates it */
            refresh_token: string;
            /** @description Always true */
            success: boolean;
            tokens: components["schemas"]["TokenResponseDto"];
            /** Format: uuid */
            session_id: string;
        };
        LogoutDto: {
            /** @description End every session of the user, not only this one. */
            all_devices?: boolean;
        };
        UpdateProfileDto: {
            full_name?: string | null;
            /** @description Optional, but null is refused (422): there is no "no username". */
            username?: string;
            email?: string;
            /** @description Free-form client settings (JSON object, ≤ 16 KB). */
            settings?: {
                [key: string]: unknown;
            };
            /** @description Required to change the email address. */
            current_password?: string;
        };
        ChangePasswordDto: {
            current_password: string;
            new_password: string;
        };
        LoginHistoryItemDto: {
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            login_at: string;
            /** Format: date-time */
            logout_at: string | null;
            /**
             * @description `password` (/auth/login), `oauth2_password` (/auth/token) or `passkey` (/auth/passkeys/login/verify)
             * @example password
             */
            login_method: string;
            /**
             * @description The second factor given or tried: totp, recovery_code or webauthn; null when none was asked
             * @example totp
             */
            second_factor: string | null;
            success: boolean;
            /**
             * @description unknown_user, bad_password, bad_mfa_code, account_locked, inactive, suspended or email_not_verified
             * @example bad_password
             */
            failure_reason: string | null;
            /** @example 203.0.113.9 */
            ip_address: string | null;
            user_agent: string | null;
            /** Format: uuid */
            session_id: string | null;
            /** @description Succeeded from a new IP after ≥3 failures in the hour before, or after a refresh-token reuse */
            suspicious: boolean;
        };
        LoginHistoryPageDto: {
            /** @example 42 */
            total: number;
            /** @example 1 */
            page: number;
            /** @example 20 */
            per_page: number;
            /** @example 3 */
            pages: number;
            items: components["schemas"]["LoginHistoryItemDto"][];
        };
        SecurityEventItemDto: {
            /** Format: uuid */
            id: string;
            /** @example login_failed */
            type: string;
            /** @enum {string} */
            severity: "info" | "warning" | "critical";
            /**
             * Format: uuid
             * @description The user the event is about
             */
            user_id: string | null;
            /**
             * Format: uuid
             * @description Who acted (an admin for admin actions)
             */
            actor_id: string | null;
            ip_address: string | null;
            user_agent: string | null;
            request_id: string | null;
            details: {
                [key: string]: unknown;
            } | null;
            /** Format: date-time */
            created_at: string;
        };
        OwnSecurityEventPageDto: {
            /** @example 42 */
            total: number;
            /** @example 1 */
            page: number;
            /** @example 20 */
            per_page: number;
            /** @example 3 */
            pages: number;
            items: components["schemas"]["SecurityEventItemDto"][];
            /** @description Same list as `items` (the admin list calls it `events`) */
            events: components["schemas"]["SecurityEventItemDto"][];
        };
        AdminSecurityEventPageDto: {
            /** @example 42 */
            total: number;
            /** @example 1 */
            page: number;
            /** @example 20 */
            per_page: number;
            /** @example 3 */
            pages: number;
            events: components["schemas"]["SecurityEventItemDto"][];
        };
        CreateServiceKeyDto: {
            /**
             * @description One of SERVICE_KEY_SERVICES (case-insensitive).
             * @example openai
             */
            service: string;
            /**
             * @description The third-party key; stored Fernet-encrypted. Required unless `api_key` is given.
             * @example sk-proj-…
             */
            key?: string;
            /** @description Alias of `key` (older clients send `api_key`). */
            api_key?: string;
            /** @example My OpenAI key */
            key_name?: string | null;
        };
        ServiceKeyResponseDto: {
            /** Format: uuid */
            id: string;
            /** @example openai */
            service: string;
            /** @example My OpenAI key */
            key_name: string | null;
            /**
             * @description Enough to recognise the key, never to rebuild it; null if it cannot be decrypted.
             * @example …abcd
             */
            key_preview: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_used_at: string | null;
        };
        RevealedServiceKeyDto: {
            /** Format: uuid */
            id: string;
            /** @example openai */
            service: string;
            /** @description The plaintext key. */
            key: string;
        };
        UserListDto: {
            /** @example 42 */
            total: number;
            /** @example 1 */
            page: number;
            /** @example 20 */
            per_page: number;
            /** @example 3 */
            pages: number;
            users: components["schemas"]["UserResponseDto"][];
        };
        CreateUserDto: {
            /** @description Email address (stored lower-case). */
            email: string;
            /** @description 3–32 of [A-Za-z0-9_.-], unique case-insensitively. */
            username: string;
            /** @description Optional: when absent a strong password is generated and returned once. Must pass the password policy. */
            password?: string;
            full_name?: string;
            /**
             * @description Default "user".
             * @enum {string}
             */
            role?: "admin" | "user";
            /** @description Default false. */
            is_verified?: boolean;
        };
        CreateUserResponseDto: {
            user: components["schemas"]["UserResponseDto"];
            /** @description The personal API key, shown once */
            api_key: string;
            /** @description Only when no password was given: the generated one, shown once */
            generated_password?: string;
        };
        BulkActionDto: {
            /** @enum {string} */
            action: "suspend" | "unsuspend" | "activate" | "deactivate" | "verify" | "unlock" | "revoke_sessions" | "delete";
            /** @description 1–100 distinct user ids; each is processed under the rules of the single-user route. */
            user_ids: string[];
            /** @description Optional; kept with a suspension and in the audit trail when given. */
            reason?: string;
        };
        BulkResultErrorDto: {
            /** @example not_found */
            code: string;
            /** @example User not found */
            detail: string;
        };
        BulkResultItemDto: {
            /** Format: uuid */
            user_id: string;
            success: boolean;
            /** @description Why it failed (only when success is false) */
            error?: components["schemas"]["BulkResultErrorDto"];
        };
        BulkResultDto: {
            /** @enum {string} */
            action: "suspend" | "unsuspend" | "activate" | "deactivate" | "verify" | "unlock" | "revoke_sessions" | "delete";
            results: components["schemas"]["BulkResultItemDto"][];
            succeeded: number;
            failed: number;
        };
        SessionResponseDto: {
            /** Format: uuid */
            id: string;
            ip_address: string | null;
            user_agent: string | null;
            device_name: string | null;
            /** @example password */
            login_method: string;
            /** Format: date-time */
            created_at: string | null;
            /** Format: date-time */
            last_active_at: string | null;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
            /** @description The session of this request */
            current: boolean;
        };
        JobCountsDto: {
            pending: number;
            processing: number;
            completed: number;
            failed: number;
            total: number;
        };
        UserDetailUsageDto: {
            total_requests: number;
            transcriptions: number;
            translations: number;
            tts: number;
            month: components["schemas"]["MonthUsageDto"];
            jobs: components["schemas"]["JobCountsDto"];
            /** @description Live sessions */
            active_sessions: number;
            /** Format: date-time */
            last_login_at: string | null;
            /** Format: date-time */
            api_key_last_used_at: string | null;
        };
        UserDetailDto: {
            user: components["schemas"]["UserResponseDto"];
            /** @description The 20 most recent sign-in attempts */
            login_history: components["schemas"]["LoginHistoryItemDto"][];
            /** @description Live sessions only */
            sessions: components["schemas"]["SessionResponseDto"][];
            /** @description The 20 most recent security events */
            security_events: components["schemas"]["SecurityEventItemDto"][];
            usage: components["schemas"]["UserDetailUsageDto"];
        };
        RateLimitsDto: {
            per_minute?: number | null;
            per_hour?: number | null;
            per_day?: number | null;
        };
        QuotaDto: {
            transcriptions?: number | null;
            translations?: number | null;
            tts?: number | null;
            audio_seconds?: number | null;
        };
        UpdateUserDto: {
            /** @description Changing it marks the address unverified unless `is_verified` is given too. */
            email?: string;
            username?: string;
            /** @description null or "" clears it. */
            full_name?: string | null;
            /**
             * @description Admins cannot change their own role, nor demote the last active admin (409).
             * @enum {string}
             */
            role?: "admin" | "user";
            /** @description false ends every session; admins cannot deactivate themselves or the last active admin (409). */
            is_active?: boolean;
            is_verified?: boolean;
            /** @description null resets every window to the role default. */
            rate_limits?: components["schemas"]["RateLimitsDto"] | null;
            /** @description Monthly quotas: a field set to null is unlimited, a field left out unchanged; null resets all to the defaults. */
            quota?: components["schemas"]["QuotaDto"] | null;
        };
        SuspendUserDto: {
            /** @description Why (optional; kept with the account and in the audit trail when given). */
            reason?: string;
        };
        ResetPasswordDto: {
            /** @description Optional: when absent a strong password is generated and returned once. Must pass the password policy. */
            new_password?: string;
        };
        GeneratedPasswordDto: {
            /** @description The generated password, shown once */
            generated_password: string;
        };
        AdminSessionDto: {
            /** Format: uuid */
            id: string;
            ip_address: string | null;
            user_agent: string | null;
            device_name: string | null;
            /** @example password */
            login_method: string;
            /** Format: date-time */
            created_at: string | null;
            /** Format: date-time */
            last_active_at: string | null;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: date-time */
            revoked_at: string | null;
            /** @description The session of this request */
            current: boolean;
            /** @description Not revoked and not expired */
            active: boolean;
        };
        UsersByStatusDto: {
            active: number;
            inactive: number;
            suspended: number;
            locked: number;
            unverified: number;
        };
        UsersByRoleDto: {
            admin: number;
            user: number;
        };
        UsersByMfaDto: {
            enabled: number;
            disabled: number;
        };
        UserStatsDto: {
            total: number;
            /** @description A user can count in several (e.g. locked and unverified) */
            by_status: components["schemas"]["UsersByStatusDto"];
            by_role: components["schemas"]["UsersByRoleDto"];
            /** @description Users with at least one second factor, and the others */
            by_mfa: components["schemas"]["UsersByMfaDto"];
        };
        LoginTotalsDto: {
            success: number;
            failure: number;
        };
        LoginsPerDayDto: {
            success: number;
            failure: number;
            /**
             * Format: date
             * @description A UTC day
             * @example 2026-01-31
             */
            date: string;
        };
        LoginStatsDto: {
            last_24h: components["schemas"]["LoginTotalsDto"];
            /** @description The last 30 UTC days, oldest first, today last */
            per_day: components["schemas"]["LoginsPerDayDto"][];
        };
        JobsByStatusDto: {
            pending: number;
            processing: number;
            completed: number;
            failed: number;
        };
        JobStatsSummaryDto: {
            by_status: components["schemas"]["JobsByStatusDto"];
        };
        SessionStatsDto: {
            /** @description Sessions neither revoked nor expired */
            active: number;
        };
        GateMonthDto: {
            /**
             * @description The UTC month
             * @example 2026-01
             */
            month: string;
            /** @description Users counted this month */
            users: number;
            requests: number;
            transcriptions: number;
            translations: number;
            tts: number;
            audio_seconds: number;
        };
        GateDecisionsDto: {
            allowed: number;
            unauthenticated: number;
            forbidden: number;
            rate_limited: number;
            quota_exceeded: number;
        };
        GateStatsDto: {
            month: components["schemas"]["GateMonthDto"];
            decisions: components["schemas"]["GateDecisionsDto"];
        };
        AdminStatsDto: {
            users: components["schemas"]["UserStatsDto"];
            logins: components["schemas"]["LoginStatsDto"];
            jobs: components["schemas"]["JobStatsSummaryDto"];
            sessions: components["schemas"]["SessionStatsDto"];
            gate: components["schemas"]["GateStatsDto"];
        };
        /** @enum {string} */
        JobTask: "transcribe" | "translate" | "tts";
        CreateJobDto: {
            /** @example meeting-2025-01-31.mp3 */
            filename: string;
            /**
             * Format: uuid
             * @description The id the speech worker knows the job by; generated when absent. Unique per user (409 when reused).
             */
            job_id?: string;
            /** @default transcribe */
            task: components["schemas"]["JobTask"];
            /** @default false */
            with_diarization: boolean;
            /** @example de */
            translated_to?: string | null;
            /** @example en */
            detected_language?: string | null;
        };
        /** @enum {string} */
        JobStatus: "pending" | "processing" | "completed" | "failed";
        JobDetailDto: {
            /**
             * Format: uuid
             * @description Voicegate row id.
             */
            id: string;
            /**
             * Format: uuid
             * @description The id the speech worker knows the job by; the `{job_id}` of the job routes.
             */
            job_id: string;
            /** @example meeting-2025-01-31.mp3 */
            filename: string;
            status: components["schemas"]["JobStatus"];
            task: components["schemas"]["JobTask"];
            /** @example en */
            detected_language: string | null;
            /** @example de */
            translated_to: string | null;
            with_diarization: boolean;
            /** Format: date-time */
            created_at: string;
            /**
             * Format: date-time
             * @description When the job completed or failed.
             */
            completed_at: string | null;
            transcript: string | null;
            error: string | null;
            /**
             * Format: date-time
             * @description When the job moved to processing.
             */
            started_at: string | null;
            /** Format: date-time */
            updated_at: string;
        };
        JobSummaryDto: {
            /**
             * Format: uuid
             * @description Voicegate row id.
             */
            id: string;
            /**
             * Format: uuid
             * @description The id the speech worker knows the job by; the `{job_id}` of the job routes.
             */
            job_id: string;
            /** @example meeting-2025-01-31.mp3 */
            filename: string;
            status: components["schemas"]["JobStatus"];
            task: components["schemas"]["JobTask"];
            /** @example en */
            detected_language: string | null;
            /** @example de */
            translated_to: string | null;
            with_diarization: boolean;
            /** Format: date-time */
            created_at: string;
            /**
             * Format: date-time
             * @description When the job completed or failed.
             */
            completed_at: string | null;
        };
        JobCountsByTaskDto: {
            transcribe: number;
            translate: number;
            tts: number;
        };
        JobStatsDto: {
            total_jobs: number;
            pending: number;
            processing: number;
            completed: number;
            failed: number;
            /**
             * @description completed / (completed + failed), a fraction from 0 to 1 (not a percentage) rounded to 4 decimal places; 0 when no job has finished yet.
             * @example 0.9167
             */
            success_rate: number;
            /** @description Jobs per task, all statuses. */
            by_task: components["schemas"]["JobCountsByTaskDto"];
            /**
             * @description Jobs per detected_language (jobs without one are not counted), the 20 most frequent.
             * @example {
             *       "en": 12,
             *       "de": 3
             *     }
             */
            languages: {
                [key: string]: number;
            };
            /**
             * @description Mean of completed_at - created_at over completed and failed jobs, in seconds (3 decimal places); null when none.
             * @example 42.5
             */
            average_duration_seconds?: number | null;
            /**
             * Format: date-time
             * @description created_at of the newest job; null when none.
             */
            last_job_at: string | null;
        };
        UpdateJobDto: {
            /** @description pending → processing | completed | failed; processing → completed | failed. Anything else is 409 INVALID_STATE_TRANSITION. */
            status: components["schemas"]["JobStatus"];
            /** @description The full transcript, stored without truncation; more than TRANSCRIPT_MAX_BYTES (5 MiB) is 413. */
            transcript?: string | null;
            /** @description Why the job failed. */
            error?: string | null;
            /** @example en */
            detected_language?: string | null;
            /** @example de */
            translated_to?: string | null;
            /** @description Seconds of audio the job processed; only with status completed. Counts toward the monthly quota. */
            audio_seconds?: number;
        };
        CreateStreamTokenDto: {
            /**
             * @description The speech route class the token opens.
             * @enum {string}
             */
            scope: "transcribe" | "translate" | "tts";
            /** @description Lifetime in seconds (1–600, default 60). */
            ttl_seconds?: number;
        };
        StreamTokenResponseDto: {
            /** @description A single-use token for one speech stream, accepted only by the gate */
            token: string;
            /**
             * @description Seconds until it expires
             * @example 60
             */
            expires_in: number;
        };
        OpenIdConfigurationDto: {
            /** @example https://voicegate.example.com */
            issuer: string;
            /** @example https://voicegate.example.com/.well-known/jwks.json */
            jwks_uri: string;
            /** @example https://voicegate.example.com/auth/token */
            token_endpoint: string;
            /** @example https://voicegate.example.com/oauth/introspect */
            introspection_endpoint: string;
            /** @example https://voicegate.example.com/oauth/revoke */
            revocation_endpoint: string;
            /**
             * @example [
             *       "password",
             *       "refresh_token"
             *     ]
             */
            grant_types_supported: string[];
            scopes_supported: ("profile:read" | "profile:write" | "jobs:read" | "jobs:write" | "service_keys:read" | "service_keys:write" | "transcribe" | "translate" | "tts" | "admin" | "introspect")[];
            /**
             * @example [
             *       "EdDSA"
             *     ]
             */
            id_token_signing_alg_values_supported: string[];
            /**
             * @example [
             *       "none"
             *     ]
             */
            token_endpoint_auth_methods_supported: string[];
            /**
             * @example [
             *       "none"
             *     ]
             */
            revocation_endpoint_auth_methods_supported: string[];
        };
        TokenReferenceDto: {
            /** @description The token or API key. */
            token: string;
            /** @description access_token, refresh_token, api_key or stream_token; a hint only (every kind is recognised without it). */
            token_type_hint?: string;
            /** @description Sent by OAuth clients that authenticate with `none`; accepted and ignored. */
            client_id?: string;
        };
        IntrospectionResponseDto: {
            /** @description The token is live; when false, no other field is present */
            active: boolean;
            /**
             * Format: uuid
             * @description The owner's user id
             */
            sub?: string;
            username?: string;
            /**
             * @description The scopes in force, space-separated
             * @example transcribe translate
             */
            scope?: string;
            /** @enum {string} */
            token_type?: "access_token" | "refresh_token" | "stream_token" | "api_key";
            /** @description Expiry, seconds since the epoch (absent for a key without one) */
            exp?: number;
            /** @description Issued (or key created), seconds since the epoch */
            iat?: number;
            /**
             * Format: uuid
             * @description The session the token belongs to
             */
            sid?: string;
            /** @description The API key (its id) the token was issued through, or the key itself */
            client_id?: string;
            iss?: string;
            /** @description How the session was signed in (RFC 8176: pwd, otp, hwk, …), when a second factor or a passkey was used */
            amr?: string[];
        };
        RevocationResponseDto: Record<string, never>;
        MailAcceptedDto: {
            /** @example If the address belongs to an account that may receive it, a mail with a link is on its way. */
            detail: string;
        };
        EmailTokenDto: {
            /** @description The token of the link the mail carried. */
            token: string;
        };
        PasswordResetRequestDto: {
            /** @description The account's email address. */
            email: string;
        };
        PasswordResetConfirmDto: {
            /** @description The token of the link the mail carried. */
            token: string;
            /** @description 8–128 characters; not common, not the username/email. */
            new_password: string;
        };
        CreateWebhookDto: {
            /** @example https://speech.example.com/hooks/voicegate */
            url: string;
            /**
             * @example [
             *       "user.suspended",
             *       "user.deleted"
             *     ]
             */
            events: ("user.created" | "user.updated" | "user.suspended" | "user.unsuspended" | "user.deleted" | "session.revoked" | "api_key.created" | "api_key.revoked" | "mfa.disabled" | "security.alert" | "quota.threshold")[];
            description?: string | null;
        };
        CreatedWebhookEndpointDto: {
            /** Format: uuid */
            id: string;
            url: string;
            description: string | null;
            events: string[];
            enabled: boolean;
            /** @description Why the endpoint was disabled */
            disabled_reason: string | null;
            /** Format: date-time */
            disabled_at: string | null;
            /**
             * Format: date-time
             * @description Until then the secret before the last rotation signs too (a second v1 signature)
             */
            previous_secret_expires_at: string | null;
            /** Format: date-time */
            last_success_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * @description The signing secret, shown this once
             * @example whsec_…
             */
            secret: string;
        };
        WebhookEndpointDto: {
            /** Format: uuid */
            id: string;
            url: string;
            description: string | null;
            events: string[];
            enabled: boolean;
            /** @description Why the endpoint was disabled */
            disabled_reason: string | null;
            /** Format: date-time */
            disabled_at: string | null;
            /**
             * Format: date-time
             * @description Until then the secret before the last rotation signs too (a second v1 signature)
             */
            previous_secret_expires_at: string | null;
            /** Format: date-time */
            last_success_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
        };
        UpdateWebhookDto: {
            url?: string;
            events?: ("user.created" | "user.updated" | "user.suspended" | "user.unsuspended" | "user.deleted" | "session.revoked" | "api_key.created" | "api_key.revoked" | "mfa.disabled" | "security.alert" | "quota.threshold")[];
            description?: string | null;
            enabled?: boolean;
        };
        WebhookAttemptDto: {
            /** Format: date-time */
            attempted_at: string;
            /** @description null: no HTTP response (see error) */
            response_status: number | null;
            error: string | null;
            duration_ms: number;
        };
        WebhookDeliveryDto: {
            /**
             * Format: uuid
             * @description Also the webhook-id header of every try
             */
            id: string;
            /** Format: uuid */
            endpoint_id: string;
            /** @example user.suspended */
            event_type: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            /** @description Tries made so far */
            attempt_count: number;
            /** @description HTTP status of the last try */
            response_status: number | null;
            last_error: string | null;
            /**
             * Format: date-time
             * @description null once it succeeded or failed
             */
            next_attempt_at: string | null;
            /** Format: date-time */
            last_attempt_at: string | null;
            /** Format: date-time */
            delivered_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description The body sent: {type, timestamp, data} */
            payload: {
                [key: string]: unknown;
            };
            /** @description Every try, oldest first */
            attempts: components["schemas"]["WebhookAttemptDto"][];
        };
        WebhookDeliveryPageDto: {
            deliveries: components["schemas"]["WebhookDeliveryDto"][];
            page: number;
            per_page: number;
            total: number;
            pages: number;
        };
        MfaStatusDto: {
            /** @description A confirmed authenticator app */
            totp: boolean;
            /** @description Registered passkeys */
            passkeys: number;
            /** @description Unused recovery codes */
            recovery_codes_remaining: number;
        };
        TotpSetupDto: {
            /**
             * @description Base32 secret, for typing into an authenticator app
             * @example JBSWY3DPEHPK3PXP
             */
            secret: string;
            /** @example otpauth://totp/Voicegate:alice?secret=JBSWY3DPEHPK3PXP&issuer=Voicegate */
            otpauth_uri: string;
            /** @description The otpauth URI as a QR code (an SVG document) */
            qr_svg: string;
        };
        TotpCodeDto: {
            /** @description A 6-digit code from the authenticator app. */
            code: string;
        };
        RecoveryCodesDto: {
            /**
             * @example [
             *       "abcd-efgh-jkmn"
             *     ]
             */
            recovery_codes: string[];
        };
        CodeOrRecoveryDto: {
            code?: string;
            recovery_code?: string;
        };
        MfaVerifyDto: {
            /** @description A WebAuthn assertion in the standard JSON form (options from POST /auth/passkeys/login/options {mfa_token}). */
            webauthn_response?: {
                [key: string]: unknown;
            };
            mfa_token: string;
            code?: string;
            recovery_code?: string;
        };
        PasskeyRegisterDto: {
            /** @description The registration response (`PublicKeyCredential` in WebAuthn's JSON form, e.g. from startRegistration()). */
            response: {
                [key: string]: unknown;
            };
            /** @description A name to tell the passkey apart ("Laptop", "YubiKey"). */
            name?: string;
        };
        PasskeyResponseDto: {
            /** Format: uuid */
            id: string;
            /** @example Laptop */
            name: string;
            /**
             * @description `singleDevice` or `multiDevice` (synced)
             * @example multiDevice
             */
            device_type: string;
            backed_up: boolean;
            /**
             * @example [
             *       "internal"
             *     ]
             */
            transports: string[];
            /** Format: date-time */
            created_at: string | null;
            /** Format: date-time */
            last_used_at: string | null;
        };
        PasskeyRenameDto: {
            name: string;
        };
        PasskeyLoginOptionsDto: {
            username?: string;
            mfa_token?: string;
        };
        PasskeyLoginDto: {
            /** @description The authentication response (`PublicKeyCredential` in WebAuthn's JSON form, e.g. from startAuthentication()). */
            response: {
                [key: string]: unknown;
            };
        };
        AdminMfaDetailDto: {
            /** @description A confirmed authenticator app */
            totp: boolean;
            /** @description Registered passkeys */
            passkeys: number;
            /** @description Unused recovery codes */
            recovery_codes_remaining: number;
            /** @description A factor is set up: a correct password no longer completes a sign-in */
            enabled: boolean;
            /**
             * @example [
             *       "totp",
             *       "recovery_code",
             *       "webauthn"
             *     ]
             */
            methods: string[];
            passkey_list: components["schemas"]["PasskeyResponseDto"][];
        };
        JwkDto: {
            /** @enum {string} */
            kty: "OKP" | "EC" | "RSA";
            /** @description The key's RFC 7638 thumbprint; tokens name it in their header */
            kid: string;
            /** @enum {string} */
            alg: "EdDSA" | "ES256" | "RS256";
            /** @enum {string} */
            use: "sig";
            /** @example Ed25519 */
            crv?: string;
            x?: string;
            y?: string;
            n?: string;
            e?: string;
        };
        JwksResponseDto: {
            /** @description Current, next, then retired keys; empty under HS* */
            keys: components["schemas"]["JwkDto"][];
        };
        KeyRateLimitsDto: {
            per_minute?: number | null;
            per_hour?: number | null;
            per_day?: number | null;
        };
        CreatePersonalKeyDto: {
            /** @example transcriber on build-42 */
            name: string;
            /** @description Absent: every scope you have. `admin` and `introspect` only for administrators. */
            scopes?: ("profile:read" | "profile:write" | "jobs:read" | "jobs:write" | "service_keys:read" | "service_keys:write" | "transcribe" | "translate" | "tts" | "admin" | "introspect")[];
            /**
             * Format: date-time
             * @description A future time; not together with expires_in_days.
             */
            expires_at?: string;
            expires_in_days?: number;
            rate_limits?: components["schemas"]["KeyRateLimitsDto"];
        };
        KeyRateLimitsOutDto: {
            per_minute: number | null;
            per_hour: number | null;
            per_day: number | null;
        };
        CreatedPersonalKeyDto: {
            /** Format: uuid */
            id: string;
            /** @example default */
            name: string;
            /**
             * @description First characters of the key.
             * @example tk_3xAmPlE
             */
            prefix: string;
            /** @description The scopes the key holds (effective for its owner). */
            scopes: ("profile:read" | "profile:write" | "jobs:read" | "jobs:write" | "service_keys:read" | "service_keys:write" | "transcribe" | "translate" | "tts" | "admin" | "introspect")[];
            /** @description The key was created without a scope list: it holds every scope its owner has. */
            all_scopes: boolean;
            /** Format: date-time */
            expires_at: string | null;
            rate_limits: components["schemas"]["KeyRateLimitsOutDto"];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            rolled_at: string | null;
            /**
             * Format: date-time
             * @description Until when the secret before the last roll still works.
             */
            previous_key_expires_at: string | null;
            /**
             * @description The key itself, shown only in this response.
             * @example tk_…
             */
            key: string;
        };
        PersonalKeyResponseDto: {
            /** Format: uuid */
            id: string;
            /** @example default */
            name: string;
            /**
             * @description First characters of the key.
             * @example tk_3xAmPlE
             */
            prefix: string;
            /** @description The scopes the key holds (effective for its owner). */
            scopes: ("profile:read" | "profile:write" | "jobs:read" | "jobs:write" | "service_keys:read" | "service_keys:write" | "transcribe" | "translate" | "tts" | "admin" | "introspect")[];
            /** @description The key was created without a scope list: it holds every scope its owner has. */
            all_scopes: boolean;
            /** Format: date-time */
            expires_at: string | null;
            rate_limits: components["schemas"]["KeyRateLimitsOutDto"];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            last_used_at: string | null;
            /** Format: date-time */
            rolled_at: string | null;
            /**
             * Format: date-time
             * @description Until when the secret before the last roll still works.
             */
            previous_key_expires_at: string | null;
        };
        UpdatePersonalKeyDto: {
            name?: string;
            /** @description Only a narrowing of the current scopes. */
            scopes?: ("profile:read" | "profile:write" | "jobs:read" | "jobs:write" | "service_keys:read" | "service_keys:write" | "transcribe" | "translate" | "tts" | "admin" | "introspect")[];
            rate_limits?: components["schemas"]["KeyRateLimitsDto"];
        };
        RollPersonalKeyDto: {
            /**
             * @description Seconds the old secret keeps working.
             * @default 0
             */
            overlap_seconds: number;
        };
        RegeneratedApiKeyDto: {
            /** @description The new `default` key, shown only in this response. */
            api_key: string;
            api_key_prefix: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database is up, and Redis too where configured */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponseDto"];
                };
            };
            /** @description The database or Redis is unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponseDto"];
                };
            };
        };
    };
    AuthController_register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisterResponseDto"];
                };
            };
        };
    };
    AuthController_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenRequestDto"];
                "application/json": components["schemas"]["TokenRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponseDto"];
                };
            };
        };
    };
    AuthController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginDto"];
            };
        };
        responses: {
            /** @description Signed in, or a second factor is due */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponseDto"] | components["schemas"]["MfaRequiredResponseDto"];
                };
            };
        };
    };
    AuthController_refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefreshResponseDto"];
                };
            };
        };
    };
    AuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LogoutDto"];
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    AuthController_profileGet: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    AuthController_profileUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProfileDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    AuthController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_loginHistory: {
        parameters: {
            query?: {
                page?: number;
                per_page?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginHistoryPageDto"];
                };
            };
            /** @description Bad page or per_page (1–100) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_securityEvents: {
        parameters: {
            query?: {
                page?: number;
                per_page?: number;
                /** @description Only events of this type */
                type?: "user_registered" | "login_succeeded" | "login_failed" | "suspicious_login" | "account_locked" | "account_unlocked" | "logout" | "token_refreshed" | "refresh_token_reuse" | "password_changed" | "password_reset" | "profile_updated" | "api_key_regenerated" | "service_key_created" | "service_key_revealed" | "service_key_deleted" | "session_revoked" | "rate_limited" | "admin_user_created" | "admin_user_updated" | "admin_user_deleted" | "admin_user_suspended" | "admin_user_unsuspended" | "admin_sessions_revoked" | "admin_bulk_action" | "api_key_revoked" | "api_key_created" | "api_key_rolled" | "api_key_deleted" | "mfa_required" | "mfa_totp_enabled" | "mfa_totp_disabled" | "mfa_recovery_codes_regenerated" | "mfa_recovery_code_used" | "passkey_registered" | "passkey_renamed" | "passkey_deleted" | "admin_mfa_reset";
                severity?: "info" | "warning" | "critical";
                /** @description Events at or after this time (ISO-8601) */
                since?: string;
                /** @description Events at or before this time (ISO-8601) */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OwnSecurityEventPageDto"];
                };
            };
            /** @description Unknown type or severity, malformed date, since after until, bad paging */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuditController_adminSecurityEvents: {
        parameters: {
            query?: {
                page?: number;
                per_page?: number;
                /** @description Only events of this type */
                type?: "user_registered" | "login_succeeded" | "login_failed" | "suspicious_login" | "account_locked" | "account_unlocked" | "logout" | "token_refreshed" | "refresh_token_reuse" | "password_changed" | "password_reset" | "profile_updated" | "api_key_regenerated" | "service_key_created" | "service_key_revealed" | "service_key_deleted" | "session_revoked" | "rate_limited" | "admin_user_created" | "admin_user_updated" | "admin_user_deleted" | "admin_user_suspended" | "admin_user_unsuspended" | "admin_sessions_revoked" | "admin_bulk_action" | "api_key_revoked" | "api_key_created" | "api_key_rolled" | "api_key_deleted" | "mfa_required" | "mfa_totp_enabled" | "mfa_totp_disabled" | "mfa_recovery_codes_regenerated" | "mfa_recovery_code_used" | "passkey_registered" | "passkey_renamed" | "passkey_deleted" | "admin_mfa_reset";
                severity?: "info" | "warning" | "critical";
                /** @description Events at or after this time (ISO-8601) */
                since?: string;
                /** @description Events at or before this time (ISO-8601) */
                until?: string;
                /** @description Only events about this user */
                user_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminSecurityEventPageDto"];
                };
            };
            /** @description Not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unknown type or severity, malformed user_id or date, since after until, bad paging */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ServiceKeysController_list: {
        parameters: {
            query?: {
                /** @description Only keys of this service (one of SERVICE_KEY_SERVICES) */
                service?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceKeyResponseDto"][];
                };
            };
        };
    };
    ServiceKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateServiceKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceKeyResponseDto"];
                };
            };
        };
    };
    ServiceKeysController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceKeyResponseDto"];
                };
            };
        };
    };
    ServiceKeysController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ServiceKeysController_reveal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevealedServiceKeyDto"];
                };
            };
        };
    };
    AdminUsersController_list: {
        parameters: {
            query?: {
                /** @description 1-based page number. */
                page?: number;
                /** @description Items per page, 1–100. */
                per_page?: number;
                /** @description A field name, `-` for descending. */
                sort?: "created_at" | "-created_at" | "username" | "-username" | "email" | "-email" | "last_login_at" | "-last_login_at";
                /** @description Case-insensitive substring of the email, username or full name (`%` and `_` match literally). */
                search?: string;
                role?: "admin" | "user";
                /** @description active = can sign in (active, not suspended, not locked). */
                status?: "active" | "inactive" | "suspended" | "locked" | "unverified";
                /** @description enabled = has a confirmed TOTP or a passkey. */
                mfa?: "enabled" | "disabled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserListDto"];
                };
            };
        };
    };
    AdminUsersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUserDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreateUserResponseDto"];
                };
            };
        };
    };
    AdminUsersController_bulk: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkActionDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResultDto"];
                };
            };
        };
    };
    AdminUsersController_detail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDetailDto"];
                };
            };
        };
    };
    AdminUsersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    AdminUsersController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AdminUsersController_suspend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SuspendUserDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    AdminUsersController_unsuspend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    AdminUsersController_unlock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    AdminUsersController_resetPassword: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResetPasswordDto"];
            };
        };
        responses: {
            /** @description When none was given: the generated password */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GeneratedPasswordDto"];
                };
            };
            /** @description The given password was set */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AdminUsersController_loginHistory: {
        parameters: {
            query?: {
                /** @description 1-based page number. */
                page?: number;
                /** @description Items per page, 1–100. */
                per_page?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginHistoryPageDto"];
                };
            };
        };
    };
    AdminUsersController_sessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminSessionDto"][];
                };
            };
        };
    };
    AdminUsersController_revokeSessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AdminUsersController_revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                sid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AdminStatsController_stats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminStatsDto"];
                };
            };
        };
    };
    JobsController_list: {
        parameters: {
            query?: {
                /** @description Only jobs in this status. */
                status_filter?: components["schemas"]["JobStatus"];
                /** @description Only jobs of this task. */
                task?: components["schemas"]["JobTask"];
                /** @description Only jobs created at or after this instant (inclusive). */
                since?: string;
                /** @description Only jobs created before this instant (exclusive). */
                until?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description Number of jobs matching the filters (all pages). */
                    "X-Total-Count"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobSummaryDto"][];
                };
            };
        };
    };
    JobsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateJobDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDetailDto"];
                };
            };
            /** @description You already have a job with this job_id. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobsController_stats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobStatsDto"];
                };
            };
        };
    };
    JobsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The job's job_id (its row id is accepted too). Someone else's job is 404. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDetailDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The job's job_id (its row id is accepted too). Someone else's job is 404. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    JobsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The job's job_id (its row id is accepted too). Someone else's job is 404. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateJobDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDetailDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The transition is not allowed from the current status (code INVALID_STATE_TRANSITION). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    StreamTokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateStreamTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StreamTokenResponseDto"];
                };
            };
        };
    };
    OAuthController_discovery: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenIdConfigurationDto"];
                };
            };
        };
    };
    OAuthController_introspect: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenReferenceDto"];
                "application/json": components["schemas"]["TokenReferenceDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntrospectionResponseDto"];
                };
            };
        };
    };
    OAuthController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["TokenReferenceDto"];
                "application/json": components["schemas"]["TokenReferenceDto"];
            };
        };
        responses: {
            /** @description An empty object, whatever the token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevocationResponseDto"];
                };
            };
        };
    };
    EmailController_requestVerification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MailAcceptedDto"];
                };
            };
        };
    };
    EmailController_confirmVerification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmailTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponseDto"];
                };
            };
        };
    };
    EmailController_requestPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetRequestDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MailAcceptedDto"];
                };
            };
        };
    };
    EmailController_confirmPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetConfirmDto"];
            };
        };
        responses: {
            /** @description The password was set */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    EmailAdminController_sendPasswordReset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MailAcceptedDto"];
                };
            };
        };
    };
    EmailAdminController_sendVerification: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MailAcceptedDto"];
                };
            };
        };
    };
    WebhooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointDto"][];
                };
            };
        };
    };
    WebhooksController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhookEndpointDto"];
                };
            };
        };
    };
    WebhooksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointDto"];
                };
            };
        };
    };
    WebhooksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    WebhooksController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointDto"];
                };
            };
        };
    };
    WebhooksController_rotateSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhookEndpointDto"];
                };
            };
        };
    };
    WebhooksController_deliveries: {
        parameters: {
            query?: {
                /** @description 1-based page number. */
                page?: number;
                /** @description Items per page, 1–100. */
                per_page?: number;
                status?: "pending" | "succeeded" | "failed";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPageDto"];
                };
            };
        };
    };
    WebhooksController_retry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                did: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryDto"];
                };
            };
        };
    };
    WebhooksController_test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryDto"];
                };
            };
        };
    };
    MfaController_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MfaStatusDto"];
                };
            };
        };
    };
    MfaController_setup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TotpSetupDto"];
                };
            };
        };
    };
    MfaController_confirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesDto"];
                };
            };
        };
    };
    MfaController_regenerate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesDto"];
                };
            };
        };
    };
    MfaController_disable: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CodeOrRecoveryDto"];
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    MfaController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MfaVerifyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponseDto"];
                };
            };
        };
    };
    PasskeysController_registerOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    PasskeysController_registerVerify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyRegisterDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyResponseDto"];
                };
            };
        };
    };
    PasskeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyResponseDto"][];
                };
            };
        };
    };
    PasskeysController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PasskeysController_rename: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyRenameDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyResponseDto"];
                };
            };
        };
    };
    PasskeysController_loginOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyLoginOptionsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    PasskeysController_loginVerify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyLoginDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponseDto"];
                };
            };
        };
    };
    MfaAdminController_detail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminMfaDetailDto"];
                };
            };
        };
    };
    MfaAdminController_reset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SessionsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionResponseDto"][];
                };
            };
        };
    };
    SessionsController_revokeOthers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SessionsController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SigningKeysController_jwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JwksResponseDto"];
                };
            };
        };
    };
    PersonalKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalKeyResponseDto"][];
                };
            };
        };
    };
    PersonalKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePersonalKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedPersonalKeyDto"];
                };
            };
        };
    };
    PersonalKeysController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalKeyResponseDto"];
                };
            };
        };
    };
    PersonalKeysController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PersonalKeysController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdatePersonalKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalKeyResponseDto"];
                };
            };
        };
    };
    PersonalKeysController_roll: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RollPersonalKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedPersonalKeyDto"];
                };
            };
        };
    };
    PersonalKeysController_regenerate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegeneratedApiKeyDto"];
                };
            };
        };
    };
    AdminPersonalKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalKeyResponseDto"][];
                };
            };
        };
    };
    AdminPersonalKeysController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                kid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    gate_verify_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity in X-User-* headers and the body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description No or a bad credential */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Suspended, inactive or lacking the scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Over a rate limit or the month quota */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
        };
    };
    gate_verify_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity in X-User-* headers and the body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description No or a bad credential */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Suspended, inactive or lacking the scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Over a rate limit or the month quota */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
        };
    };
    gate_verify_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity in X-User-* headers and the body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description No or a bad credential */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Suspended, inactive or lacking the scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Over a rate limit or the month quota */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
        };
    };
    gate_verify_delete: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity in X-User-* headers and the body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description No or a bad credential */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Suspended, inactive or lacking the scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Over a rate limit or the month quota */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
        };
    };
    gate_verify_options: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity in X-User-* headers and the body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description No or a bad credential */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Suspended, inactive or lacking the scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Over a rate limit or the month quota */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
        };
    };
    gate_verify_head: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity in X-User-* headers and the body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description No or a bad credential */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Suspended, inactive or lacking the scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Over a rate limit or the month quota */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
        };
    };
    gate_verify_patch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed: the identity in X-User-* headers and the body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description No or a bad credential */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Suspended, inactive or lacking the scope */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
            /** @description Over a rate limit or the month quota */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": Record<string, never>;
                };
            };
        };
    };
}
