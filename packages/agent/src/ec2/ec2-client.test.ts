import { ec2EndpointOverride } from './ec2-client';

describe('ec2EndpointOverride', () => {
  it('follows the SDK: the EC2-specific variable, then the global one', () => {
    expect(ec2EndpointOverride({ AWS_ENDPOINT_URL_EC2: 'http://ec2.local', AWS_ENDPOINT_URL: 'http://all.local' })).toBe('http://ec2.local');
    expect(ec2EndpointOverride({ AWS_ENDPOINT_URL: 'http://all.local' })).toBe('http://all.local');
    expect(ec2EndpointOverride({})).toBeUndefined();
  });

  it('is switched off by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true', () => {
    expect(ec2EndpointOverride({ AWS_ENDPOINT_URL_EC2: 'http://ec2.local', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeUndefined();
  });
});
