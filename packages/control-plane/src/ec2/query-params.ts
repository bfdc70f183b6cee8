// EC2 Query protocol lists: `Filter.1.Name`, `Filter.1.Value.1`, `ResourceId.1`, `Tag.1.Key`...

/** The members of `<prefix>.N` in index order (N from 1), each a map of its sub-fields. */
export function queryList(params: URLSearchParams, prefix: string): Map<string, string>[] {
  const members = new Map<number, Map<string, string>>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.(\\d+)(?:\\.(.+))?$`);
  for (const [name, value] of params) {
    const match = pattern.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    const member = members.get(index) ?? new Map<string, string>();
    member.set(match[2] ?? '', value);
    members.set(index, member);
  }
  return [...members].sort(([a], [b]) => a - b).map(([, member]) => member);
}

/** `<prefix>.N` scalar members, e.g. ResourceId.1, ResourceId.2. */
export function queryStrings(params: URLSearchParams, prefix: string): string[] {
  return queryList(params, prefix).map((member) => member.get('') ?? '');
}

/** The values of a filter member: `Value.1`, `Value.2`... */
export function memberValues(member: Map<string, string>, field: string): string[] {
  return [...member]
    .map(([name, value]) => [/^(.+)\.(\d+)$/.exec(name), value] as const)
    .filter(([match]) => match?.[1] === field)
    .sort(([a], [b]) => Number(a![2]) - Number(b![2]))
    .map(([, value]) => value);
}
