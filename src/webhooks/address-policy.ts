import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP, isIPv4 } from 'node:net';

/** Why an address may not receive webhooks (or 'public' when it may). */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'reserved';

const v4 = (entries: [string, number][]) => {
  const list = new BlockList();
  for (const [net, prefix] of entries) list.addSubnet(net, prefix, 'ipv4');
  return list;
};
const v6 = (entries: [string, number][]) => {
  const list = new BlockList();
  for (const [net, prefix] of entries) list.addSubnet(net, prefix, 'ipv6');
  return list;
};

// Node's BlockList also matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against IPv4 rules.
const CLASSES: [AddressClass, BlockList, BlockList][] = [
  ['unspecified', v4([['0.0.0.0', 8]]), v6([['::', 128]])],
  ['loopback', v4([['127.0.0.0', 8]]), v6([['::1', 128]])],
  [
    'private',
    v4([
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['100.64.0.0', 10], // carrier-grade NAT: someone's private network
    ]),
    v6([
      ['fc00::', 7], // unique local
      ['fec0::', 10], // deprecated site-local
    ]),
  ],
  ['link-local', v4([['169.254.0.0', 16]]), v6([['fe80::', 10]])],
  [
    'reserved',
    v4([
      ['192.0.0.0', 24], // IETF protocol assignments
      ['198.18.0.0', 15], // benchmarking
      ['224.0.0.0', 4], // multicast
      ['240.0.0.0', 4], // reserved, broadcast
    ]),
    v6([
      ['ff00::', 8], // multicast
      ['100::', 64], // discard
    ]),
  ],
];

/** 16 bytes of an IPv6 address (the caller has checked it is one). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0];
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1].split('.').map(Number));
    text = text.slice(0, -dotted[1].length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const all = [...h, ...Array<number>(8 - h.length - r.length).fill(0), ...r];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address an IPv6 address carries (IPv4-compatible, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const quad = (at: number) => b.slice(at, at + 4).join('.');
  if (zero(0, 12)) return quad(12); // ::a.b.c.d (:: and ::1 are classified before)
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return quad(12); // ::ffff:a.b.c.d
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return quad(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return quad(2); // 2002:a.b.c.d::/48
  return undefined;
}

/** Classifies a literal IP address, looking through the IPv6 spellings that carry an IPv4 address. */
export function classifyAddress(address: string): AddressClass {
  const ip = address.replace(/^\[|\]$/g, '');
  const family = isIP(ip);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [name, ipv4, ipv6] of CLASSES) if ((family === 4 ? ipv4 : ipv6).check(ip, type)) return name;
  if (family === 6) {
    const inner = embeddedIpv4(ip);
    if (inner && isIPv4(inner)) return classifyAddress(inner);
  }
  return 'public';
}

/** Names that mean this machine whatever DNS says (RFC 6761). */
const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/;

/** Why this URL may not be a webhook endpoint, or null. `blockPrivate` applies the address rule to literals/names. */
export function urlProblem(raw: string, blockPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username || url.password) return 'must not carry credentials (user:password@)';
  if (url.hash) return 'must not have a #fragment';
  if (!blockPrivate) return null;
  // The URL parser has already turned every IPv4 spelling (decimal, hex, octal, short) into dotted quads.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (isIP(host)) {
    const cls = classifyAddress(host);
    return cls === 'public' ? null : `must not point to a ${cls} address`;
  }
  if (LOCAL_NAMES.test(host)) return 'must not point to a loopback address';
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type Lookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback) => void;

/** A refused resolved address (the delivery fails without connecting). */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
  constructor(host: string, address: string, cls: AddressClass) {
    super(`${host} resolves to ${address}, a ${cls} address`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * A `lookup` for http.request that refuses a name when any of its addresses is not public, and connects to the
 * address it checked (so DNS cannot answer differently between the check and the connection).
 */
export function guardedLookup(resolve: Lookup = dnsLookup as unknown as Lookup): Lookup {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const cls = classifyAddress(a.address);
        if (cls !== 'public') return callback(new BlockedAddressError(hostname, a.address, cls), []);
      }
      if (!list.length)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
