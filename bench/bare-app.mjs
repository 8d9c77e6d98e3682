// The ceiling: a minimal NestJS app on the same Fastify adapter as Voicegate, one route returning small JSON.
// Plain ESM with the decorators applied by hand, so it runs without a build step. Usage: node bench/bare-app.mjs [port]
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class BareController {
  bare() {
    return { status: 'ok', service: 'bare' };
  }
}
Get('bare')(BareController.prototype, 'bare', Object.getOwnPropertyDescriptor(BareController.prototype, 'bare'));
Controller()(BareController);

class BareModule {}
Module({ controllers: [BareController] })(BareModule);

const port = Number(process.argv[2] ?? process.env.PORT ?? 8100);
const app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(port, '127.0.0.1');
process.stdout.write(`bare listening on ${port}\n`);
