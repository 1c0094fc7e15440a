/**
 * A TCP proxy to PostgreSQL that can be cut (every connection dropped, the port closed) and
 * restored on the same port: what the server sees when PostgreSQL restarts or the network between
 * them fails, without touching the machine's real PostgreSQL server.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** A proxy to the host and port of a `postgres://` URL. */
  static to(url: string): CuttableProxy {
    const target = new URL(url);
    return new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  /** Stops accepting first, then drops every connection (one accepted meanwhile would hold the close). */
  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
