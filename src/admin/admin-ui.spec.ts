import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewriteUrl } from '../app.factory';
import { AppConfig } from '../config/app-config';
import { ADMIN_UI_CSP, findAdminUiDist, registerAdminUi } from './admin-ui';

@Module({})
class EmptyModule {}

const INDEX =
  '<!doctype html><title>Voicegate admin</title><script type="module" src="/admin/assets/app-abc123.js"></script>';

async function createSut(distDir: string, env: AppConfig['env'] = 'test'): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ rewriteUrl: (req: { url?: string }) => rewriteUrl(req.url ?? '/') });
  const app = await NestFactory.create<NestFastifyApplication>(EmptyModule, adapter, { logger: false });
  await registerAdminUi(app, { env } as AppConfig, { distDir });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('registerAdminUi', () => {
  let dir: string;
  let sut: NestFastifyApplication;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'voicegate-admin-ui-'));
  });
  afterEach(async () => {
    await sut?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when built', () => {
    beforeEach(async () => {
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), INDEX);
      writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
      writeFileSync(join(dir, 'assets', '.hidden'), 'secret');
      sut = await createSut(dir);
    });

    it.each([
      '/admin',
      '/admin/',
      '/admin/users',
      '/admin/users/',
      '/admin/users/3f1c2a9e-0000-4000-8000-000000000000',
      '/admin/security-events?type=login_failed',
    ])('serves index.html with the strict headers at %s', async (url) => {
      const res = await sut.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe(INDEX);
      expect(res.headers['content-security-policy']).toBe(ADMIN_UI_CSP);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('has a CSP without inline script or style, and with no framing', () => {
      expect(ADMIN_UI_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      for (const d of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
      ])
        expect(ADMIN_UI_CSP).toContain(d);
    });

    it('serves hashed assets with a long immutable cache', async () => {
      const res = await sut.inject({ method: 'GET', url: '/admin/assets/app-abc123.js' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('console.log(1)');
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers['cache-control']).toContain('immutable');
    });

    it('answers 404 for a missing asset instead of the page', async () => {
      const res = await sut.inject({ method: 'GET', url: '/admin/assets/missing.js' });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('<!doctype html>');
    });

    it('does not serve dotfiles', async () => {
      const res = await sut.inject({ method: 'GET', url: '/admin/assets/.hidden' });
      expect(res.statusCode).not.toBe(200);
      expect(res.body).not.toContain('secret');
    });

    it.each(['/api/admin', '/api/admin/users', '/api/admin/assets/app-abc123.js'])(
      'has no /api alias: %s is a 404 problem',
      async (url) => {
        const res = await sut.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
        expect(res.json().detail).toContain('/admin');
      },
    );

    it('picks up a rebuild without a restart outside production', async () => {
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>rebuilt</title>');
      const res = await sut.inject({ method: 'GET', url: '/admin/users' });
      expect(res.body).toContain('rebuilt');
    });
  });

  describe('when not built', () => {
    beforeEach(async () => {
      sut = await createSut(join(dir, 'missing'));
    });

    it.each(['/admin', '/admin/users'])('answers %s with a 503 problem saying how to build it', async (url) => {
      const res = await sut.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(res.json().detail).toContain('npm run build');
    });
  });

  describe('findAdminUiDist', () => {
    it('finds admin-ui/dist from src/admin and from dist/src/admin', () => {
      mkdirSync(join(dir, 'admin-ui', 'dist'), { recursive: true });
      writeFileSync(join(dir, 'admin-ui', 'dist', 'index.html'), INDEX);
      expect(findAdminUiDist(join(dir, 'src', 'admin'), '/nowhere')).toBe(join(dir, 'admin-ui', 'dist'));
      expect(findAdminUiDist(join(dir, 'dist', 'src', 'admin'), '/nowhere')).toBe(join(dir, 'admin-ui', 'dist'));
    });
  });
});
