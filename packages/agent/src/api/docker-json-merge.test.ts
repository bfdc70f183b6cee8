import { CONTAINER_CONFIG_FIELDS, HOST_CONFIG_FIELDS, mergeDockerJson } from './docker-json-merge';

describe('mergeDockerJson', () => {
  it('leaves the base alone for null, and for null scalars and structs, but clears pointers, lists and maps', () => {
    const base = { Memory: 5, Binds: ['a:/a'], PortBindings: { '80/tcp': [] }, Init: true, LogConfig: { Type: 'x' } };
    expect(mergeDockerJson(base, 'null', HOST_CONFIG_FIELDS)).toEqual({ ok: true, value: base });
    expect(mergeDockerJson(base, '{"Memory":null,"Binds":null,"PortBindings":null,"Init":null,"LogConfig":null}', HOST_CONFIG_FIELDS)).toEqual({
      ok: true,
      value: { Memory: 5, LogConfig: { Type: 'x' } },
    });
    expect(base.Binds).toEqual(['a:/a']);
  });

  it('reads Docker StrSlice fields from a string or a list', () => {
    expect(mergeDockerJson({}, '{"Entrypoint":"/init","Cmd":["a"],"Shell":"sh"}', CONTAINER_CONFIG_FIELDS)).toEqual({
      ok: true,
      value: { Entrypoint: ['/init'], Cmd: ['a'], Shell: ['sh'] },
    });
    expect(mergeDockerJson({}, '{"CapAdd":"NET_ADMIN"}', HOST_CONFIG_FIELDS)).toEqual({ ok: true, value: { CapAdd: ['NET_ADMIN'] } });
  });

  it.each([
    ['{"Privileged":"yes"}', 'Privileged: must be true or false, got "yes"'],
    ['{"ShmSize":1.5}', 'ShmSize: must be an integer, got 1.5'],
    ['{"BlkioWeight":-1}', 'BlkioWeight: must be a non-negative integer, got -1'],
    ['{"Dns":"1.1.1.1"}', 'Dns: must be a list of strings, got "1.1.1.1"'],
    ['{"Sysctls":{"a":1}}', 'Sysctls: must be an object of strings, got {"a":1}'],
    ['{"Ulimits":[1]}', 'Ulimits: must be a list of objects, got [1]'],
    ['{"LogConfig":"json-file"}', 'LogConfig: must be an object, got "json-file"'],
    ['{"PortBindings":{"80/tcp":{"HostPort":"1"}}}', 'PortBindings: must map ports to lists of bindings, got {"80/tcp":{"HostPort":"1"}}'],
    ['{"networkmode":5}', 'NetworkMode: must be a string, got 5'],
    ['"bridge"', 'must be a JSON object, got "bridge"'],
    ['', 'invalid JSON "" (Unexpected end of JSON input)'],
  ])('refuses %s', (text, problem) => {
    expect(mergeDockerJson({}, text, HOST_CONFIG_FIELDS)).toEqual({ ok: false, problem });
  });
});
