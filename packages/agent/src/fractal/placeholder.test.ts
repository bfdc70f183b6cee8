import { newFractalId, isFractalId } from './fractal-id';
import { fillPlaceholders, hasPlaceholder } from './placeholder';

const ID = 'a'.repeat(60);

describe('placeholders', () => {
  it.each([
    ['/fractal/%%FRACTAL_ID_PLACEHOLDER%%/x', `/fractal/${ID}/x`],
    ['/test/%%FRACTAL_CONTAINER_SPECIFIC_DIR_PLACEHOLDER%%', `/test/${ID}`],
    ['%%FRACTAL_ID_PLACEHOLDER%%-%%FRACTAL_CONTAINER_SPECIFIC_DIR_PLACEHOLDER%%-%%FRACTAL_ID_PLACEHOLDER%%', `${ID}-${ID}-${ID}`],
    ['/plain/path', '/plain/path'],
    ['%%FRACTAL_ID_PLACEHOLDER%', '%%FRACTAL_ID_PLACEHOLDER%'],
    ['%%fractal_id_placeholder%%', '%%fractal_id_placeholder%%'],
  ])('fills %s', (text, filled) => {
    expect(fillPlaceholders(text, ID)).toBe(filled);
    expect(hasPlaceholder(text)).toBe(filled !== text);
  });
});

describe('FractalID', () => {
  it('is 60 lowercase hex characters from 30 random bytes', () => {
    const id = newFractalId({ bytes: (n) => Uint8Array.from({ length: n }, (_, i) => i * 9) }, () => false);
    expect(id).toBe(Buffer.from(Array.from({ length: 30 }, (_, i) => i * 9)).toString('hex'));
    expect(isFractalId(id)).toBe(true);
  });

  it('draws again while the ID is taken on the host', () => {
    let draw = 0;
    const random = { bytes: (n: number) => new Uint8Array(n).fill(++draw) };
    const taken = new Set(['01'.repeat(30), '02'.repeat(30)]);
    expect(newFractalId(random, (id) => taken.has(id))).toBe('03'.repeat(30));
  });

  it('gives up on a random source that keeps repeating', () => {
    expect(() => newFractalId({ bytes: (n) => new Uint8Array(n) }, () => true)).toThrow(/random source/);
  });

  it.each(['A'.repeat(60), 'a'.repeat(59), 'g'.repeat(60), `${'a'.repeat(60)}\n`])('rejects %j as an ID', (text) => {
    expect(isFractalId(text)).toBe(false);
  });
});
