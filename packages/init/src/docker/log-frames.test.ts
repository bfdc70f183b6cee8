import { demuxLogs } from './log-frames';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxLogs', () => {
  it('joins the payloads of stdout and stderr frames in order', () => {
    const body = Buffer.concat([frame(1, 'line one\n'), frame(2, 'oops\n'), frame(1, 'line two\n')]);
    expect(demuxLogs(body)).toBe('line one\noops\nline two\n');
  });

  it('passes TTY output through', () => {
    expect(demuxLogs(Buffer.from('2024-01-01T00:00:00Z hello\n'))).toBe('2024-01-01T00:00:00Z hello\n');
  });

  it('handles an empty body', () => {
    expect(demuxLogs(Buffer.alloc(0))).toBe('');
  });
});
