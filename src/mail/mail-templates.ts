import { MailKind } from './mail.enums';

export const SERVICE_NAME = 'Voicegate';

export interface MailContext {
  publicUrl: string;
  username: string;
  /** The link a verification or reset mail carries (it holds the token). */
  link?: string;
  params: Record<string, unknown>;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Template {
  subject: string;
  /** Paragraphs of plain text; the HTML body shows the same paragraphs (escaped) and the link as a button. */
  body(c: MailContext): string[];
  action?: string;
}

const when = (c: MailContext) => (typeof c.params.at === 'string' ? ` (${c.params.at})` : '');
const NOT_YOU = 'If this was not you, reset your password at once and review your sessions on your account page.';

const TEMPLATES: Record<MailKind, Template> = {
  [MailKind.VerifyEmail]: {
    subject: `Confirm your email address for ${SERVICE_NAME}`,
    action: 'Confirm email address',
    body: () => [
      'Please confirm that this address belongs to your account. Open the link below and press the button on the page.',
      'The link is valid for 24 hours and works once. If you did not ask for it, you can ignore this mail.',
    ],
  },
  [MailKind.PasswordReset]: {
    subject: `Reset your ${SERVICE_NAME} password`,
    action: 'Choose a new password',
    body: () => [
      'Someone (hopefully you) asked to reset the password of your account. Open the link below to choose a new one.',
      'The link is valid for 1 hour and works once; every signed-in session ends when the new password is set.',
      'If you did not ask for it, ignore this mail: your password stays as it is.',
    ],
  },
  [MailKind.PasswordChanged]: {
    subject: `Your ${SERVICE_NAME} password was changed`,
    body: (c) => [`The password of your account was changed${when(c)}.`, NOT_YOU],
  },
  [MailKind.EmailChanged]: {
    subject: `The email address of your ${SERVICE_NAME} account was changed`,
    body: (c) => [
      `The email address of your account was changed to ${String(c.params.new_email ?? 'a new address')}${when(c)}. ` +
        'Mail for the account goes to the new address from now on.',
      'If this was not you, contact your administrator at once.',
    ],
  },
  [MailKind.SecondFactorRemoved]: {
    subject: `A second factor was removed from your ${SERVICE_NAME} account`,
    body: (c) => [
      c.params.method === 'all'
        ? `Every second factor was removed from your account${when(c)}.`
        : `A second factor (${String(c.params.method ?? 'second factor')}) was removed from your account${when(c)}.`,
      NOT_YOU,
    ],
  },
  [MailKind.SuspiciousSignIn]: {
    subject: `Unusual sign-in to your ${SERVICE_NAME} account`,
    body: (c) => [
      `Your account was signed in to from ${String(c.params.ip ?? 'an unknown address')}${when(c)}, ` +
        'after several failed attempts or from an address it had not used before.',
      NOT_YOU,
    ],
  },
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** The subject, plain-text and HTML bodies of a mail; every value is escaped in the HTML. */
export function renderMail(kind: MailKind, c: MailContext): RenderedMail {
  const t = TEMPLATES[kind];
  const paragraphs = t.body(c);
  const greeting = `Hello ${c.username},`;
  const footer = `${SERVICE_NAME} · ${c.publicUrl}`;
  const text = [
    greeting,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(t.action && c.link ? [`${t.action}: ${c.link}`, ''] : []),
    '—',
    footer,
    '',
  ].join('\n');
  const button =
    t.action && c.link
      ? `<p><a href="${escapeHtml(c.link)}" style="display:inline-block;padding:10px 18px;background:#2457c5;` +
        `color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(t.action)}</a></p>` +
        `<p style="font-size:13px;color:#555">Or copy this address into your browser:<br>${escapeHtml(c.link)}</p>`
      : '';
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(t.subject)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:560px">` +
    `<p>${escapeHtml(greeting)}</p>` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    button +
    `<hr><p style="font-size:12px;color:#666">${escapeHtml(SERVICE_NAME)} · ` +
    `<a href="${escapeHtml(c.publicUrl)}">${escapeHtml(c.publicUrl)}</a></p></body></html>`;
  return { subject: t.subject, text, html };
}
