import { parseImageRef, withDefaultTag } from './image-ref';

test.each([
  ['busybox', { registry: undefined, repository: 'busybox', tag: undefined, digest: undefined }],
  ['library/busybox:1.36', { registry: undefined, repository: 'library/busybox', tag: '1.36', digest: undefined }],
  ['127.0.0.1:51670/busybox:latest', { registry: '127.0.0.1:51670', repository: 'busybox', tag: 'latest', digest: undefined }],
  ['localhost/team/app', { registry: 'localhost', repository: 'team/app', tag: undefined, digest: undefined }],
  ['123456789012.dkr.ecr.us-west-2.amazonaws.com/app@sha256:abcd', { registry: '123456789012.dkr.ecr.us-west-2.amazonaws.com', repository: 'app', tag: undefined, digest: 'sha256:abcd' }],
  ['registry:5000/app', { registry: 'registry:5000', repository: 'app', tag: undefined, digest: undefined }],
])('%s', (ref, expected) => {
  expect(parseImageRef(ref)).toEqual(expected);
});

test('withDefaultTag adds :latest only when neither a tag nor a digest is given', () => {
  expect(withDefaultTag('registry:5000/app')).toBe('registry:5000/app:latest');
  expect(withDefaultTag('busybox')).toBe('busybox:latest');
  expect(withDefaultTag('busybox:1')).toBe('busybox:1');
  expect(withDefaultTag('app@sha256:abcd')).toBe('app@sha256:abcd');
});
