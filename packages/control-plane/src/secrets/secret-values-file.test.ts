import { parseEcrRegistry, parseSecretValues } from './secret-values-file';

describe('parseSecretValues', () => {
  it('reads parameters, secrets and ECR logins', () => {
    const values = parseSecretValues(
      JSON.stringify({ parameters: { '/a': '1' }, secrets: { s: '{"k":"v"}' }, ecr: { '111122223333': { username: 'AWS', password: 'p', proxyEndpoint: 'https://r' } } }),
      'values.json',
    );
    expect(values).toEqual({ parameters: { '/a': '1' }, secrets: { s: '{"k":"v"}' }, ecr: { '111122223333': { username: 'AWS', password: 'p', proxyEndpoint: 'https://r' } } });
  });

  it('names the bad field, not the value', () => {
    expect(() => parseSecretValues('{"parameters":{"/a":1}}', 'v.json')).toThrow('v.json: parameters./a must be a string');
    expect(() => parseSecretValues('{"ecr":{"1":{"username":"u","password":"hidden"}}}', 'v.json')).toThrow('v.json: ecr.1.proxyEndpoint is missing');
    expect(() => parseSecretValues('{"param":{}}', 'v.json')).toThrow('v.json: unknown field "param" (expected parameters, secrets, ecr)');
    expect(() => parseSecretValues('[', 'v.json')).toThrow(/^v\.json: not valid JSON/);
  });
});

describe('parseEcrRegistry', () => {
  it('accumulates host=registryId pairs and refuses other shapes', () => {
    expect(parseEcrRegistry('127.0.0.1:51671=111122223333', { a: '000000000000' })).toEqual({ a: '000000000000', '127.0.0.1:51671': '111122223333' });
    expect(() => parseEcrRegistry('127.0.0.1:51671')).toThrow('--ecr-registry takes <registry host>=<12-digit registry ID>, got "127.0.0.1:51671"');
  });
});
