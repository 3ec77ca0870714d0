import { connect, createServer, type Server, type Socket } from "node:net";

// A TCP proxy on a port of its own in front of the database server, to take the database away
// and bring it back while a loaded Prisma client goes on using the same address: closed, the
// port refuses connections; silent, it accepts them and never says a word (a hung server or a
// network that drops everything).

export interface TcpProxy {
  readonly port: number;
  /** Listen and forward every connection to the target. */
  forward(): Promise<void>;
  /** Listen, and pass no byte either way on any connection, new or already open. */
  holdSilently(): Promise<void>;
  /** Cut the connection that sends the next packet, once, while it waits for the answer. */
  cutOnNextRequest(): void;
  /**
   * Pass the next packet a client sends on to the server, then go silent: its answer and every
   * byte after it are dropped. A database that stops answering in the middle of a query.
   */
  silenceAfterNextRequest(): void;
  /** Cut every connection and stop listening: the port refuses. */
  close(): Promise<void>;
}

type Mode = "forward" | "silent";

export async function startTcpProxy(target: { host: string; port: number }, mode: Mode = "forward"): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let current: Mode = mode;
  let cutNextRequest = false;
  let silenceAfterNextRequest = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // A cut connection errors on both ends; nobody here needs to hear of it.
    socket.on("error", () => {});
  };
  const server: Server = createServer((client) => {
    track(client);
    if (current === "silent") return;
    const upstream = connect(target.port, target.host);
    track(upstream);
    // Packet by packet, so that silence and a cut apply to connections already open.
    client.on("data", (packet: Buffer) => {
      if (cutNextRequest) {
        cutNextRequest = false;
        client.destroy();
      } else if (current === "forward") {
        upstream.write(packet);
        if (silenceAfterNextRequest) {
          silenceAfterNextRequest = false;
          current = "silent";
        }
      }
    });
    upstream.on("data", (packet: Buffer) => {
      if (current === "forward") client.write(packet);
    });
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });

  let port = 0;
  const listen = async (next: Mode) => {
    current = next;
    if (server.listening) return;
    // The first listen picks a free port; later ones take the same one again, so a URL made
    // once keeps naming this proxy.
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    port = (server.address() as { port: number }).port;
  };
  const cutConnections = () => {
    for (const socket of sockets) socket.destroy();
  };

  await listen(mode);
  return {
    get port() {
      return port;
    },
    forward: () => listen("forward"),
    holdSilently: () => listen("silent"),
    cutOnNextRequest: () => (cutNextRequest = true),
    silenceAfterNextRequest: () => (silenceAfterNextRequest = true),
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      cutConnections();
      await closed;
    },
  };
}

/** `url` with its host and port replaced by the proxy's. */
export function urlThroughProxy(url: string, proxy: TcpProxy): string {
  const parsed = new URL(url);
  parsed.hostname = "127.0.0.1";
  parsed.port = String(proxy.port);
  return parsed.toString();
}
