import { memberValues, queryList, queryStrings } from './query-params';

describe('EC2 query lists', () => {
  const params = new URLSearchParams(
    'Action=DescribeTags&Filter.2.Name=key&Filter.2.Value.1=team&Filter.1.Name=resource-id&Filter.1.Value.2=i-b&Filter.1.Value.1=i-a&ResourceId.2=i-2&ResourceId.1=i-1&ResourceId.10=i-10',
  );

  it('orders members by their number, not by their position in the body', () => {
    expect(queryList(params, 'Filter').map((member) => member.get('Name'))).toEqual(['resource-id', 'key']);
    expect(queryStrings(params, 'ResourceId')).toEqual(['i-1', 'i-2', 'i-10']);
  });

  it('collects the numbered values of a member in order', () => {
    expect(memberValues(queryList(params, 'Filter')[0]!, 'Value')).toEqual(['i-a', 'i-b']);
  });
});
