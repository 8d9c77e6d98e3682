import { LookupAddress } from 'node:dns';
import { BlockedAddressError, classifyAddress, guardedLookup, Lookup, urlProblem } from './address-policy';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['ff02::1', 'reserved'],
    // IPv6 spellings that carry an IPv4 address
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:0101::1', 'private'],
    ['[::1]', 'loopback'],
    // public
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2002:0808:0808::', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('refuses what is not an address', () => {
    expect(() => classifyAddress('example.com')).toThrow('not an IP address');
  });
});

describe('urlProblem', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.0.0.1/',
    'http://017700000001/',
    'http://0177.0.0.1/',
    'http://0/',
    'http://0.0.0.0:8080/',
    'http://[::]/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://169.254.169.254/latest/meta-data',
    'http://[fe80::1]/',
    'http://10.0.0.1/',
    'http://192.168.0.10:3000/hook',
    'http://172.20.1.1/',
    'https://[fd00::1]/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    'http://localhost.localdomain/',
    'http://ip6-localhost/',
  ])('refuses %s when the rule is on, accepts it when off', (url) => {
    expect(urlProblem(url, true)).toMatch(/^must not point to a /);
    expect(urlProblem(url, false)).toBeNull();
  });

  it.each(['https://hooks.example.com/voicegate', 'http://8.8.8.8:8080/x?y=1', 'https://[2606:4700::1]/'])(
    'accepts the public %s',
    (url) => expect(urlProblem(url, true)).toBeNull(),
  );

  it.each([
    ['ftp://example.com/', 'must use http or https'],
    ['file:///etc/passwd', 'must use http or https'],
    ['javascript:alert(1)', 'must use http or https'],
    ['gopher://example.com/', 'must use http or https'],
    ['example.com/hook', 'must be an absolute http(s) URL'],
    ['', 'must be an absolute http(s) URL'],
    ['https://user:pw@example.com/', 'must not carry credentials (user:password@)'],
    ['https://example.com/#x', 'must not have a #fragment'],
  ])('%s: %s, whatever the address rule', (url, problem) => {
    expect(urlProblem(url, true)).toBe(problem);
    expect(urlProblem(url, false)).toBe(problem);
  });
});

describe('guardedLookup', () => {
  const fake =
    (answers: Record<string, LookupAddress[]>): Lookup =>
    (host, _opts, cb) =>
      answers[host] ? cb(null, answers[host]) : cb(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }), []);
  const run = (lookup: Lookup, host: string, all = false) =>
    new Promise<{ err: Error | null; address: unknown; family?: number }>((resolve) =>
      lookup(host, { all }, (err, address, family) => resolve({ err, address, family })),
    );
  const lookup = guardedLookup(
    fake({
      'public.test': [{ address: '93.184.216.34', family: 4 }],
      'rebind.test': [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
      'mapped.test': [{ address: '::ffff:10.0.0.5', family: 6 }],
      'metadata.test': [{ address: '169.254.169.254', family: 4 }],
    }),
  );

  it('connects to the public address it checked', async () => {
    expect(await run(lookup, 'public.test')).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect((await run(lookup, 'public.test', true)).address).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it.each([
    ['rebind.test', '127.0.0.1, a loopback'],
    ['mapped.test', '::ffff:10.0.0.5, a private'],
    ['metadata.test', '169.254.169.254, a link-local'],
  ])('refuses %s, whose resolved address is %s address', async (host, what) => {
    const { err } = await run(lookup, host);
    expect(err).toBeInstanceOf(BlockedAddressError);
    expect(err?.message).toBe(`${host} resolves to ${what} address`);
  });

  it('passes resolution errors through', async () => {
    expect((await run(lookup, 'missing.test')).err).toMatchObject({ code: 'ENOTFOUND' });
  });
});
