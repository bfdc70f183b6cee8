// Whether the ACS or TCS session is open, seen from its websocket connector: the sessions themselves
// stay unaware of metrics.
import type { WsConnector } from '../wsclient';

export interface TrackedConnector extends WsConnector {
  /** True while a connection made through this connector is open. */
  connected(): boolean;
}

export function trackConnections(inner: WsConnector): TrackedConnector {
  let open = 0;
  return {
    async connect(url, headers) {
      const connection = await inner.connect(url, headers);
      open += 1;
      void connection.closed.finally(() => {
        open -= 1;
      });
      return connection;
    },
    connected: () => open > 0,
  };
}
