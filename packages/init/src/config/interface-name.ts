/** The kernel's dev_valid_name: what `ip link` would accept as an interface name. */
export function isValidInterfaceName(name: string): boolean {
  if (name === '' || Buffer.byteLength(name) >= 16) return false;
  if (name === '.' || name === '..') return false;
  return !/[/:\s]/.test(name);
}
