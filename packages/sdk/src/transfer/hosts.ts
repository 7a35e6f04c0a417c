/**
 * Hostname matching for the subprocessor registry: exact names and `*.` patterns (any
 * subdomain, one or more labels deep, never the bare domain), compared in lower case
 * without a trailing dot.
 */
export type HostMatcher = (host: string) => boolean;

export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

export function compileHostPatterns(patterns: readonly string[]): HostMatcher {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const pattern of patterns) {
    const p = normaliseHost(pattern);
    if (p.startsWith('*.')) suffixes.push(p.slice(1));
    else exact.add(p);
  }
  return (host) => {
    const h = normaliseHost(host);
    if (exact.has(h)) return true;
    return suffixes.some((suffix) => h.endsWith(suffix) && h.length > suffix.length);
  };
}

/** localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped): the process's own machine. */
export function isLoopback(host: string): boolean {
  const h = normaliseHost(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
