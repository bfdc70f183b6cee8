import { pullFailureStopsTask, skipsPull } from './pull-behavior';

test.each([
  // behaviour, pulled before, cached, skips
  ['default', true, true, false],
  ['always', true, true, false],
  ['once', false, true, false],
  ['once', true, true, true],
  ['prefer-cached', false, false, false],
  ['prefer-cached', false, true, true],
] as const)('%s (pulled before: %s, cached: %s) skips the pull: %s', (behavior, pulledBefore, cached, skips) => {
  expect(skipsPull(behavior, { pulledBefore, cached })).toBe(skips);
});

test('a failed pull stops the task only for always and once', () => {
  expect(pullFailureStopsTask('always')).toBe(true);
  expect(pullFailureStopsTask('once')).toBe(true);
  expect(pullFailureStopsTask('default')).toBe(false);
  expect(pullFailureStopsTask('prefer-cached')).toBe(false);
});
