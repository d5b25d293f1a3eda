/**
 * The emulator's HTTP server: on 127.0.0.1 only, every request to handleRequest, every connection
 * tracked so that stop() ends them; and the Emulator handle a caller holds.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EmulatorContext } from './context.js';
import { handleRequest } from './handleRequest.js';
import type { Emulator, EmulatorOptions } from './options.js';
import { cloneState } from './state.js';

/** Only loopback: the emulator is for tests and the quick start, never a network service. */
const LOOPBACK = '127.0.0.1';

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const ctx = new EmulatorContext(options);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handleRequest(ctx, req, res);
  });
  trackConnections(server, sockets, options.unref === true);
  await listen(server, options.port ?? 0);
  ctx.base = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
  if (options.unref) server.unref();
  return emulatorHandle(ctx, server, sockets);
}

/** Every open connection, so that stop() can end them; a client's protocol error just closes its own. */
function trackConnections(server: Server, sockets: Set<Socket>, unref: boolean): void {
  server.on('connection', (socket) => {
    if (unref) socket.unref();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
}

function emulatorHandle(ctx: EmulatorContext, server: Server, sockets: Set<Socket>): Emulator {
  return {
    url: ctx.base,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      ctx.persist();
    },
    state: () => cloneState(ctx.state),
    contractViolations: () => [...ctx.violations],
    requests: () => [...ctx.log],
    internalErrors: () => [...ctx.internalErrors],
    setFaults: (spec) => ctx.setFaults(spec),
    setBehaviour: (b) => ctx.setBehaviour(b),
    change: (f) => {
      f(ctx.state);
      ctx.persist();
    },
  };
}
