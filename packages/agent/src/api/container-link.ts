// Links are `name` or `name:alias` (Docker's --link syntax).

/** `name` or `name:alias`; the alias defaults to the name. */
export function parseLink(link: string): { name: string; alias: string } | undefined {
  const parts = link.split(':');
  if (parts.length > 2 || parts[0] === '') return undefined;
  return { name: parts[0]!, alias: parts[1] || parts[0]! };
}
