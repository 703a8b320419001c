/**
 * Whether a team's audio URL may be fetched from where the media service runs: beside LiveKit, inside the
 * deployment's own network, where a URL naming 10.0.0.5 or the cloud's metadata address would reach what no
 * workspace admin should (server-side request forgery). So the host must resolve only to public addresses
 * — every address it resolves to, checked before the request; redirects are followed by hand and each
 * hop checked the same way. `npm start` and the tests, which serve WAVs on 127.0.0.1, turn the check off
 * (`MEDIA_ALLOW_PRIVATE_AUDIO=1`, scripts/media.mjs).
 *
 * Pure but for the injected `lookup` (node:dns's by default).
 */
import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup } from "node:dns/promises";

/** The ranges no team's audio is fetched from: loopback, private, link-local, shared, unspecified, multicast, reserved. */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, "ipv6");

/**
 * Whether `address` (an IP literal) is one the public internet routes to.
 * @example isPublicAddress("93.184.216.34") // true
 * @example isPublicAddress("::ffff:169.254.169.254") // false: the metadata address, mapped
 */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address.replace(/^\[|\]$/g, "");
  const family = isIP(plain);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(plain, family === 4 ? "ipv4" : "ipv6");
}

export type Lookup = (host: string) => Promise<readonly { readonly address: string }[]>;

const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Why `url`'s host may not be fetched (it names or resolves to a non-public address, or does not
 * resolve), or null when every address it resolves to is public.
 * @example await refusedHost(new URL("http://10.0.0.5/hold.wav")) // "10.0.0.5 is not a public address"
 */
export async function refusedHost(url: URL, lookup: Lookup = systemLookup): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return isPublicAddress(host) ? null : `${host} is not a public address`;
  let addresses: readonly { readonly address: string }[];
  try {
    addresses = await lookup(host);
  } catch (error) {
    return `${host} does not resolve (${error instanceof Error ? error.message : String(error)})`;
  }
  if (addresses.length === 0) return `${host} does not resolve`;
  const inside = addresses.find((a) => !isPublicAddress(a.address));
  return inside ? `${host} resolves to ${inside.address}, which is not a public address` : null;
}
