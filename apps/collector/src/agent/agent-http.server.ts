import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpSection } from '@tideline/config';
// the middleware alone, not the Nest shell: the agent has no Nest
import { httpAuthMiddleware } from '@tideline/service/http-auth';
import type { CollectorAgent } from './collector-agent';

/**
 * The agent's HTTP endpoints on node:http: `GET /health` (200 when Kafka answers, else 503 naming it), `GET
 * /health/live` (200 while the process runs) and `GET /metrics` (Prometheus text). Anything else is 404. With
 * `http.auth`, everything but `/health` needs its credentials (401 otherwise), as in the other services.
 */
export async function startAgentHttpServer(
  agent: CollectorAgent,
  host: string,
  port: number,
  http: Pick<HttpSection, 'auth'> = {},
): Promise<Server> {
  const guard = httpAuthMiddleware(http);
  const server = createServer((request, response) => guard(request, response, () => handle(request, response)));
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/health/live') {
      json(response, 200, { status: 'ok', service: 'collector' });
    } else if (path === '/health') {
      agent.health().then(
        (report) => json(response, report.status === 'ok' ? 200 : 503, report),
        (error: unknown) => json(response, 500, { status: 'unavailable', error: String(error) }),
      );
    } else if (path === '/metrics') {
      response
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(agent.metrics.render());
    } else {
      json(response, 404, { error: `no route ${path}` });
    }
  };
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}

/** The address a started server listens on, as a URL. */
export function serverUrl(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function json(response: import('node:http').ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
