import { Readable } from 'node:stream';
import { readLoadResponse } from './load-response';

const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('readLoadResponse', () => {
  it('returns the progress messages of a successful load, across chunk boundaries', async () => {
    const messages = await readLoadResponse(
      body('{"stream":"Loaded image: amazon/amazon-ecs-agent:latest\\n"}\n{"str', 'eam":"Loaded image ID: sha256:ab\\n"}\n'),
    );
    expect(messages).toEqual(['Loaded image: amazon/amazon-ecs-agent:latest', 'Loaded image ID: sha256:ab']);
  });

  it('fails on an error reported inside the stream', async () => {
    await expect(
      readLoadResponse(
        body(
          '{"stream":"Loading layer"}\n',
          '{"errorDetail":{"message":"open /var/lib/docker/tmp/x/json: no such file or directory"},"error":"open ..."}\n',
        ),
      ),
    ).rejects.toThrow('docker load failed: open /var/lib/docker/tmp/x/json: no such file or directory');
  });

  it('fails on a bare error field', async () => {
    await expect(readLoadResponse(body('{"error":"invalid tar header"}\n'))).rejects.toThrow(
      'docker load failed: invalid tar header',
    );
  });

  it('keeps plain-text answers as messages', async () => {
    expect(await readLoadResponse(body('Loaded image: x:1\n'))).toEqual(['Loaded image: x:1']);
  });
});
