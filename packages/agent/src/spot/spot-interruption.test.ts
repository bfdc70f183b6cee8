import { parseSpotInterruption } from './spot-interruption';

describe('parseSpotInterruption', () => {
  it('reads the action and time IMDS announces, in any field-name case', () => {
    expect(parseSpotInterruption('{"action": "terminate", "time": "2017-09-18T08:22:00Z"}')).toEqual({ action: 'terminate', time: '2017-09-18T08:22:00Z' });
    expect(parseSpotInterruption('{"Action":"hibernate","Time":"2017-09-18T08:22:00Z"}')).toEqual({ action: 'hibernate', time: '2017-09-18T08:22:00Z' });
  });

  it.each([
    ['not JSON', '<html>404</html>', 'expected JSON {"action","time"}, got "<html>404</html>"'],
    ['an unknown action', '{"action":"reboot","time":"t"}', 'action: expected terminate, stop or hibernate, got "reboot"'],
    ['no action', '[]', 'action: expected terminate, stop or hibernate, got null'],
  ])('refuses %s, quoting the response', (_case, text, message) => {
    expect(() => parseSpotInterruption(text)).toThrow(message);
  });
});
