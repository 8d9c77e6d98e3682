import { SecurityEventType } from './audit.events';
import {
  asSeenByOwner,
  normalizeIp,
  paginated,
  sanitizeDetails,
  toSecurityEventOut,
  toSecurityEventRow,
} from './audit.mapper';

describe('audit mapper', () => {
  it('normalizeIp unwraps IPv4-mapped IPv6 and keeps everything else', () => {
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('2001:db8::1')).toBe('2001:db8::1');
    expect(normalizeIp('127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('')).toBeNull();
    expect(normalizeIp(undefined)).toBeNull();
  });

  it('sanitizeDetails redacts secret-named keys at any depth and keeps the rest', () => {
    const out = sanitizeDetails({
      password: 'p',
      new_password: 'p',
      generated_password: 'p',
      refresh_token: 't',
      token: 't',
      api_key: 'k',
      key: 'k',
      client_secret: 's',
      api_key_prefix: 'tk_abc',
      session_id: 's1',
      password_changed_at: new Date('2030-01-01T00:00:00Z'),
      nested: { access_token: 't', ok: [1, { secret: 's' }] },
    });
    expect(out).toEqual({
      password: '[REDACTED]',
      new_password: '[REDACTED]',
      generated_password: '[REDACTED]',
      refresh_token: '[REDACTED]',
      token: '[REDACTED]',
      api_key: '[REDACTED]',
      key: '[REDACTED]',
      client_secret: '[REDACTED]',
      api_key_prefix: 'tk_abc',
      session_id: 's1',
      password_changed_at: '2030-01-01T00:00:00.000Z',
      nested: { access_token: '[REDACTED]', ok: [1, { secret: '[REDACTED]' }] },
    });
    expect(sanitizeDetails(null)).toBeNull();
    expect(sanitizeDetails({ blob: Array.from({ length: 100 }, () => 'x'.repeat(1000)) })).toEqual({
      truncated: true,
      keys: ['blob'],
    });
  });

  it('toSecurityEventRow: info unless set, actor defaults to the user, ids that are not UUIDs are dropped', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const u = '3F1C2A9E-0000-4000-8000-000000000001';
    const row = toSecurityEventRow(
      { type: SecurityEventType.Logout, userId: u, meta: { ip: '::ffff:10.0.0.1', userAgent: 'ua', requestId: 'r' } },
      now,
    );
    expect(row).toMatchObject({
      type: 'logout',
      severity: 'info',
      userId: u.toLowerCase(),
      actorId: u.toLowerCase(),
      ipAddress: '10.0.0.1',
      userAgent: 'ua',
      requestId: 'r',
      details: null,
      createdAt: now,
    });
    expect(
      toSecurityEventRow({ type: SecurityEventType.Logout, userId: 'nope', severity: 'bogus' as never }, now),
    ).toMatchObject({ userId: null, actorId: null, severity: 'info' });
    expect(toSecurityEventOut(row)).toMatchObject({
      type: 'logout',
      user_id: u.toLowerCase(),
      ip_address: '10.0.0.1',
      created_at: '2030-01-01T00:00:00.000Z',
    });
  });

  it('paginated computes pages', () => {
    expect(paginated([], 0, 1, 20)).toEqual({ items: [], total: 0, page: 1, per_page: 20, pages: 0 });
    expect(paginated([1], 41, 3, 20)).toMatchObject({ pages: 3 });
  });

  it("hides another actor's address, browser and request id from the user the event is about", () => {
    const e = {
      id: 'e',
      type: 'admin_user_updated',
      severity: 'info' as const,
      user_id: 'u',
      actor_id: 'admin',
      ip_address: '203.0.113.9',
      user_agent: 'admin browser',
      request_id: 'r',
      details: null,
      created_at: '2026-12-07T00:00:00.000Z',
    };
    expect(asSeenByOwner(e)).toMatchObject({ ip_address: null, user_agent: null, request_id: null, actor_id: 'admin' });
    const own = { ...e, actor_id: 'u' };
    expect(asSeenByOwner(own)).toBe(own);
  });
});
