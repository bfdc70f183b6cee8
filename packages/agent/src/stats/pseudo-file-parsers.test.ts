import { internLatin1, parseBlkioV1, parseIoStatV2, parseKeyValueLines, parseMemTotal, parseNetDev, parseNumberList, parseSingleNumber, parseSystemCpuUsage } from './pseudo-file-parsers';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('pseudo-file parsers', () => {
  it('reads one unsigned integer, exact up to 2^53 and rounded as Number does beyond', () => {
    expect(parseSingleNumber(bytes('52428800\n'))).toBe(52428800);
    expect(parseSingleNumber(bytes('  7 \n'))).toBe(7);
    expect(parseSingleNumber(bytes('9007199254740991\n'))).toBe(9007199254740991);
    expect(parseSingleNumber(bytes('9223372036854771712\n'))).toBe(9223372036854771712);
    expect(parseSingleNumber(bytes('999999999999999\n'))).toBe(999999999999999);
    expect(parseSingleNumber(bytes('max\n'))).toBeUndefined();
    expect(parseSingleNumber(bytes('\n'))).toBeUndefined();
    expect(parseSingleNumber(bytes('12 34\n'))).toBeUndefined();
    expect(parseSingleNumber(bytes('-1\n'))).toBeUndefined();
    expect(parseSingleNumber(undefined)).toBeUndefined();
  });

  it('reads per-CPU usage, or nothing when any entry is not a number', () => {
    expect(parseNumberList(bytes('1000000000 2000000000 \n'))).toEqual([1_000_000_000, 2_000_000_000]);
    expect(parseNumberList(bytes('5\t6\n'))).toEqual([5, 6]);
    expect(parseNumberList(bytes(' \n'))).toBeUndefined();
    expect(parseNumberList(bytes('1 x 3\n'))).toBeUndefined();
  });

  it('reads key value lines, skipping lines that are not exactly a name and an unsigned integer', () => {
    const text = 'cache 10485760\nrss 41943040\r\n\ttotal_rss   7\nbroken\nthree part 1\nneg -1\nhex 0x1\n\nhierarchical_memory_limit 9223372036854771712\n';
    expect(parseKeyValueLines(bytes(text))).toEqual({ cache: 10485760, rss: 41943040, total_rss: 7, hierarchical_memory_limit: 9223372036854771712 });
    expect(parseKeyValueLines(undefined)).toEqual({});
  });

  it('names keys by their bytes wherever they sit, whichever names were seen before', () => {
    expect(Object.keys(parseKeyValueLines(bytes('user 1\nsystem 2\n')))).toEqual(['user', 'system']);
    expect(Object.keys(parseKeyValueLines(bytes('users 3\nuser 4\nsysten 5\n')))).toEqual(['users', 'user', 'systen']);
    const buffer = bytes('xuserx');
    expect(internLatin1(buffer, 1, 5)).toBe('user');
    expect(internLatin1(buffer, 0, 5)).toBe('xuser');
    expect(internLatin1(buffer, 1, 6)).toBe('userx');
    expect(internLatin1(buffer, 2, 2)).toBe('');
  });

  it('reads /proc/<pid>/net/dev without lo, headers or malformed lines', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0',
      '  eth0:    1500      12    1    2    0     0          0         0      700       5    3    4    0     0       0          0',
      '  eth1: 1 2 3',
      '  eth2: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x',
      'veth-a:9007199254740993 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16',
    ].join('\n');
    expect(parseNetDev(bytes(text))).toEqual({
      eth0: { rxBytes: 1500, rxPackets: 12, rxErrors: 1, rxDropped: 2, txBytes: 700, txPackets: 5, txErrors: 3, txDropped: 4 },
      'veth-a': { rxBytes: 9007199254740992, rxPackets: 2, rxErrors: 3, rxDropped: 4, txBytes: 9, txPackets: 10, txErrors: 11, txDropped: 12 },
    });
    expect(parseNetDev(undefined)).toBeUndefined();
  });

  it('sums user through steal of /proc/stat in ns, and reads MemTotal in bytes', () => {
    expect(parseSystemCpuUsage(bytes('cpu  400 0 100 450 50 0 0 7 99 99\ncpu0 1 1 1 1 1 1 1 1\n'))).toBe(10_070_000_000);
    expect(parseSystemCpuUsage(bytes('cpu  1 2 3 4 5 6\n'))).toBeUndefined();
    expect(parseSystemCpuUsage(bytes('cpu0 1 2 3 4 5 6 7 8\n'))).toBeUndefined();
    expect(parseMemTotal(bytes('MemTotal:        2048000 kB\nMemFree: 1 kB\n'))).toBe(2_097_152_000);
    expect(parseMemTotal(bytes('MemFree:  1 kB\nMemTotal:    4 kB\n'))).toBe(4096);
    expect(parseMemTotal(bytes('MemTotal: 4 MB\n'))).toBeUndefined();
  });

  it('reads blkio lines with a device, and io.stat fields per device', () => {
    expect(parseBlkioV1(bytes('8:0 Read 4096\n8:16 Write 1\n8:0 Bad-op 3\n8:0  Read 1\nTotal 4097\n'))).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 16, op: 'Write', value: 1 },
    ]);
    expect(parseIoStatV2(bytes('8:0 rbytes=4096 wbytes=1024 rios=x =3 dbytes\n259:1 rios=1=2\nnvme rbytes=1\n'))).toEqual([
      { major: 8, minor: 0, fields: { rbytes: 4096, wbytes: 1024 } },
      { major: 259, minor: 1, fields: { rios: 1 } },
    ]);
  });
});
