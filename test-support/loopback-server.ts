import * as http from "http";
import type { AddressInfo } from "net";

/** An HTTP server of the tests' own, on 127.0.0.1 and a free port. */
export interface LoopbackServer {
  /** The server, for handlers of more than requests (CONNECT). */
  readonly server: http.Server;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Closes every connection, then the server. */
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 only, on a port the system picks, so no test listens beyond this machine. */
export async function startLoopbackServer(handler: http.RequestListener): Promise<LoopbackServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
