import { detailedOsFamily } from './host-facts';

describe('detailedOsFamily', () => {
  it.each([
    ['NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nVERSION_ID="2023"\n', 'amzn_2023'],
    ["ID=debian\nVERSION_ID='11'\n", 'debian_11'],
    ['ID=ubuntu\nVERSION_ID="22.04"\n', 'ubuntu_22.04'],
    ['ID=arch\n', 'linux'],
    ['VERSION_ID=1\n', 'linux'],
    ['', 'linux'],
  ])('%j -> %s', (text, family) => expect(detailedOsFamily(text)).toBe(family));
});
