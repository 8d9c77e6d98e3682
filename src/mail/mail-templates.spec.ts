import { MailKind } from './mail.enums';
import { renderMail } from './mail-templates';

describe('renderMail', () => {
  const base = { publicUrl: 'https://gate.example', username: '<b>eve</b>', params: {} };

  it.each(Object.values(MailKind))('%s: subject, text and HTML with the service name and PUBLIC_URL', (kind) => {
    const m = renderMail(kind, { ...base, link: 'https://gate.example/account/x?token=abc&y=1' });
    expect(m.subject).toContain('Voicegate');
    for (const body of [m.text, m.html]) expect(body).toContain('https://gate.example');
    expect(m.html).toContain('Voicegate');
    expect(m.html).not.toContain('<b>eve</b>');
    expect(m.html).toContain('&lt;b&gt;eve&lt;/b&gt;');
  });

  it('a link mail carries its link in both bodies; a notice carries none', () => {
    const link = 'https://gate.example/account/reset-password?token=abc';
    const reset = renderMail(MailKind.PasswordReset, { ...base, link });
    expect(reset.text).toContain(link);
    expect(reset.html).toContain(`href="${link}"`);
    const notice = renderMail(MailKind.PasswordChanged, { ...base, params: { at: '2026-01-01 10:00 UTC' } });
    expect(notice.text).toContain('2026-01-01 10:00 UTC');
    expect(notice.text).not.toContain('token=');
  });
});
