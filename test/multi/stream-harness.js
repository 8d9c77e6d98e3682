// The built service with one extra route for the multi-instance tests: POST /__harness/stream/consume {token, scope}
// calls StreamTokenService.consume as the gate will (the gate wires it in at merge). Test-only; never shipped.
require('reflect-metadata');
const { join } = require('node:path');

const dist = process.env.VOICEGATE_DIST || join(__dirname, '..', '..', 'dist');
const { createApp } = require(join(dist, 'src', 'app.factory'));
const { loadConfig } = require(join(dist, 'src', 'config', 'app-config'));
const { StreamTokenService } = require(join(dist, 'src', 'stream-tokens', 'stream-token.service'));

async function main() {
  const config = loadConfig(process.env);
  const app = await createApp(config);
  app
    .getHttpAdapter()
    .getInstance()
    .post('/__harness/stream/consume', async (req, reply) => {
      try {
        const p = await app.get(StreamTokenService).consume(req.body.token, { scope: req.body.scope });
        return { user_id: p.user.id, via: p.via, scopes: p.scopes, session_id: p.sessionId ?? null };
      } catch (err) {
        reply.code(err.status ?? 500);
        return { code: err.code, detail: err.detail ?? String(err) };
      }
    });
  await app.listen(config.port, config.host);
}
main().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\n');
  process.exit(1);
});
