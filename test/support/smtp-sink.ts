import { AddressObject, ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { recordSecret } from '../security/secrets';
import { freePort } from './infrastructure';

export interface SinkMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  from: string;
  /** The token of the link the mail carries, if any. */
  token?: string;
  /** The link itself. */
  link?: string;
  parsed: ParsedMail;
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address ?? '')).join(',');

/**
 * A real SMTP server inside the test process (smtp-server), every message parsed with mailparser. It can be stopped
 * and started again on the same port (an SMTP outage). The tokens the mails carry are recorded for the hygiene scan.
 */
export class SmtpSink {
  readonly mails: SinkMail[] = [];
  port = 0;
  /** Mails refused while `rejecting` is set (an SMTP server that answers 4xx). */
  rejecting = false;
  private server?: SMTPServer;
  private waiters = new Set<() => void>();

  get url(): string {
    return `smtp://sink:sink-password@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.server = new SMTPServer({
      secure: false,
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => cb(null, { user: auth.username }),
      onData: (stream, _session, cb) => {
        if (this.rejecting) {
          stream.resume();
          stream.on('end', () => cb(Object.assign(new Error('Try again later'), { responseCode: 451 })));
          return;
        }
        simpleParser(stream)
          .then((parsed) => {
            const text = parsed.text ?? '';
            const link = /https?:\/\/\S+\/account\/[a-z-]+\?token=[A-Za-z0-9_-]+/.exec(text)?.[0];
            const token = link ? new URL(link).searchParams.get('token')! : undefined;
            if (token) recordSecret(token, link);
            this.mails.push({
              to: addresses(parsed.to),
              from: addresses(parsed.from),
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              token,
              link,
              parsed,
            });
            this.waiters.forEach((w) => w());
            cb();
          })
          .catch((err: Error) => cb(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Stops listening and drops open connections (the outage). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The mails to an address (optionally with a subject matching `subject`). */
  to(address: string, subject?: RegExp): SinkMail[] {
    return this.mails.filter((m) => m.to === address.toLowerCase() && (!subject || subject.test(m.subject)));
  }

  /** Waits until `count` mails match, and returns them; fails after `timeoutMs`. */
  async waitFor(address: string, subject?: RegExp, count = 1, timeoutMs = 10_000): Promise<SinkMail[]> {
    const found = () => this.to(address, subject);
    if (found().length >= count) return found();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no ${count} mail(s) to ${address} ${subject ?? ''} within ${timeoutMs} ms (got ${found().length})`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (found().length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
    return found();
  }
}
