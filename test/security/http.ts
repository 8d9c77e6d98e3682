import { Agent, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { RequestSpec } from './hostile-cases';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body?: unknown;
}

/**
 * A plain node:http client for the hostile-input walk: it sends paths and bodies byte for byte (supertest
 * normalises `..` segments and re-encodes), reusing a few keep-alive sockets.
 */
export class RawClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(private readonly address: AddressInfo) {}

  static url(template: string, spec: RequestSpec): string {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => spec.path[name] ?? `{${name}}`);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
      else q.append(k, String(v));
    }
    const qs = q.toString();
    return qs ? `${path}?${qs}` : path;
  }

  static payload(spec: RequestSpec): { contentType?: string; data?: Buffer } {
    if (spec.encoding === 'raw') return { contentType: spec.contentType, data: Buffer.from(spec.raw ?? '', 'utf8') };
    if (spec.body === undefined) return {};
    if (spec.encoding === 'form') {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries((spec.body ?? {}) as Record<string, unknown>))
        if (v !== undefined) form.append(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
      return { contentType: 'application/x-www-form-urlencoded', data: Buffer.from(form.toString()) };
    }
    return { contentType: 'application/json', data: Buffer.from(JSON.stringify(spec.body)) };
  }

  send(
    method: string,
    url: string,
    headers: Record<string, string>,
    payload: { contentType?: string; data?: Buffer },
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string | number> = { ...headers };
      if (payload.contentType) h['content-type'] = payload.contentType;
      if (payload.data) h['content-length'] = payload.data.length;
      // Node answers an oversize request line itself (431) and closes the socket: such requests get their own.
      const agent = url.length > 8 * 1024 ? false : this.agent;
      const req = request(
        { host: this.address.address, port: this.address.port, method, path: url, headers: h, agent, timeout: 20_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url.slice(0, 200)}`)));
      req.on('error', reject);
      req.end(payload.data);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
