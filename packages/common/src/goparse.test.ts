import { formatGoDuration, parseGoBool, parseGoDuration } from './goparse';

describe('parseGoBool', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('accepts %s as true', (v) => expect(parseGoBool(v)).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('accepts %s as false', (v) => expect(parseGoBool(v)).toBe(false));
  it.each(['', 'yes', 'tRUE', ' true', 'on', '2'])('rejects %j', (v) => expect(parseGoBool(v)).toBeUndefined());
});

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['3h', 10_800_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['500ms', 500],
    ['250us', 0.25],
    ['-2m', -120_000],
    ['.5s', 500],
  ])('parses %s', (input, ms) => expect(parseGoDuration(input)).toBeCloseTo(ms));
  it.each(['', '10', '1d', 's', '1h 2m', '1.2.3s'])('rejects %j', (v) => expect(parseGoDuration(v)).toBeUndefined());
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [512.3, '512.3ms'],
    [1050, '1.05s'],
    [15_000, '15s'],
    [90_000, '1m30s'],
    [3_723_000, '1h2m3s'],
  ])('formats %d ms as %s', (ms, text) => expect(formatGoDuration(ms)).toBe(text));
});
