import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { Transporter } from 'nodemailer';
import { MailConfig } from '../config/app-config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox row, so a receiver can tell a retried mail from a new one. */
  messageId: string;
}

/** Where mail leaves the process: an SMTP server, or .eml files (development without SMTP_URL). */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

// A dead or silent SMTP server fails an attempt within these bounds, well inside the worker's lease.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function createMailTransport(config: MailConfig): MailTransport | null {
  if (config.mode === 'disabled') return null;
  if (config.mode === 'smtp') {
    const smtp: Transporter = nodemailer.createTransport({ url: config.smtpUrl, ...SMTP_TIMEOUTS });
    return {
      send: async (mail) => {
        await smtp.sendMail({ from: config.from, ...mail });
      },
      close: () => smtp.close(),
    };
  }
  const logger = new Logger('Mail');
  const stream: Transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let announced = false;
  return {
    send: async (mail) => {
      const info = (await stream.sendMail({ from: config.from, ...mail })) as { message: Buffer };
      mkdirSync(config.dir, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      writeFileSync(join(config.dir, name), info.message, { mode: 0o600 });
      if (!announced) {
        announced = true;
        logger.warn(`SMTP_URL is not set: mails are written as .eml files to ${config.dir} (never to the log)`);
      }
    },
    close: () => stream.close(),
  };
}
