import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | object;
}

/** A fault the server plays on the next matching request instead of answering normally. */
export type Fault = Reply | 'hang' | 'reset' | 'garbage';

export type Route = (req: Recorded, server: FixtureServer) => Reply | Promise<Reply>;

/**
 * A local HTTP server speaking a platform's format: it records every request, plays queued faults on the
 * requests that `faultable` picks (the search endpoint), and otherwise answers through the platform's route.
 */
export class FixtureServer {
  readonly requests: Recorded[] = [];
  readonly faults: Fault[] = [];
  /** Headers added to the next normal search answer (e.g. an emptied rate-limit bucket). */
  extraHeaders: Record<string, string> = {};
  url = '';
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly route: Route,
    private readonly faultable: (req: Recorded) => boolean,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  searches(): Recorded[] {
    return this.requests.filter((r) => this.faultable(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fixture');
    const recorded: Recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(recorded);
    const isSearch = this.faultable(recorded);
    const fault = isSearch ? this.faults.shift() : undefined;
    if (fault === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    if (fault === 'garbage')
      reply = {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '<html><body>Bad gateway</body>',
      };
    else if (fault) reply = fault;
    else {
      try {
        reply = await this.route(recorded, this);
      } catch (error) {
        reply = { status: 599, body: { fixtureError: String(error) } };
      }
      if (isSearch) {
        reply = { ...reply, headers: { ...reply.headers, ...this.extraHeaders } };
        this.extraHeaders = {};
      }
    }
    const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(body);
  }
}
