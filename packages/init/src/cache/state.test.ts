import { parseCacheState } from './state';

describe('parseCacheState', () => {
  // Upstream cache_test.go TestAgentCacheStatus, plus Fscanf edge cases.
  it.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['1\n', 1],
    ['spurious', 0],
    [' ', 0],
    ['256', 0],
    ['255', 255],
    ['3', 3],
    ['  2', 2],
    ['\t1', 1],
    ['02', 2],
    ['1abc', 1],
    ['\n1', 0],
    ['\r\n1', 0],
    ['-1', 0],
    ['+1', 0],
    ['', 0],
    ['99999999999999999999999', 0],
  ])('%j -> %d', (text, status) => expect(parseCacheState(text)).toBe(status));
});
