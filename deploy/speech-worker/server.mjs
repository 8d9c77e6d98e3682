// A sample speech app behind the gate: it answers every request with who called, as the proxy told it
// (X-User-* headers set from Voicegate's answer). Run: node deploy/speech-worker/server.mjs (PORT, default 9000).
import { createServer } from 'node:http';

const IDENTITY = ['x-user-id', 'x-user-name', 'x-user-email', 'x-user-role', 'x-auth-via', 'x-key-id', 'x-scopes'];

export function speechWorker() {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const caller = Object.fromEntries(
        IDENTITY.filter((h) => req.headers[h] !== undefined).map((h) => [h, req.headers[h]]),
      );
      const body = JSON.stringify({
        service: 'speech-worker',
        method: req.method,
        path: req.url.split('?')[0],
        caller,
        quota_remaining: req.headers['x-quota-remaining'] ?? null,
        credential_forwarded: Boolean(req.headers.authorization || req.headers['x-api-key']),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 9000);
  speechWorker().listen(port, process.env.HOST ?? '0.0.0.0', () => console.log(`speech-worker listening on ${port}`));
}
