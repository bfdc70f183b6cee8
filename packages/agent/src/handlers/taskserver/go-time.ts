// Times as Go's encoding/json writes a time.Time in UTC (RFC 3339 with up to nanoseconds, trailing
// zeros dropped). The model keeps Docker's own strings (nanoseconds) and the agent's ISO strings.

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/** The time in Go's JSON form, or undefined for nothing, an unparsable value or Go's zero time (year 1). */
export function goTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [, seconds, fraction = '', zone] = match;
  if (seconds!.startsWith('0001-')) return undefined;
  const digits = fraction.slice(1, 10).replace(/0+$/, '');
  const fractionText = digits ? `.${digits}` : '';
  if (zone!.toUpperCase() === 'Z') return `${seconds}${fractionText}Z`;
  const utc = new Date(Date.parse(`${seconds}${zone}`));
  if (Number.isNaN(utc.getTime())) return undefined;
  return `${utc.toISOString().slice(0, 19)}${fractionText}Z`;
}
