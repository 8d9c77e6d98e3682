import { Agent as HttpAgent, request as httpRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { guardedLookup, Lookup, urlProblem } from './address-policy';

export interface SendResult {
  /** The receiver's HTTP status; undefined when there was none. */
  status?: number;
  /** Why the try failed without (or despite) a response. */
  error?: string;
}

/** Receivers' bodies are read and dropped; beyond this the connection is cut. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Keep-alive connections to receivers, one pool per worker (closed when it stops). */
export interface SenderAgents {
  http: HttpAgent;
  https: HttpsAgent;
}
export const createAgents = (): SenderAgents => ({
  http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
});

/**
 * One POST with a deadline covering connect to last byte. Redirects are answers, never followed (node:http does
 * not follow them). With `blockPrivate`, the URL's literal address and every address its name resolves to must be
 * public, and the connection goes to the address that was checked.
 */
export function sendWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; blockPrivate: boolean; lookup?: Lookup; agents?: SenderAgents },
): Promise<SendResult> {
  const problem = urlProblem(url, opts.blockPrivate);
  if (problem) return Promise.resolve({ error: `URL ${problem}` });
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const request = https ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const req = request(
      target,
      {
        method: 'POST',
        agent: opts.agents ? (https ? opts.agents.https : opts.agents.http) : false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(opts.blockPrivate ? { lookup: guardedLookup(opts.lookup) as never } : {}),
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = () =>
          finish(
            status >= 200 && status < 300
              ? { status }
              : { status, error: status >= 300 && status < 400 ? 'redirect not followed' : `HTTP ${status}` },
          );
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const deadline = setTimeout(() => {
      finish({ error: `timed out after ${opts.timeoutMs} ms` });
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({ error: (err.message || err.code || 'error').slice(0, 300) }),
    );
    req.end(body);
  });
}
