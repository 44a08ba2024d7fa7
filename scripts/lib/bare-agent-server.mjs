// The ceiling for `npm run bench:agents`: a bare Socket.IO 4.8 server (msgpack parser, same
// namespace, rooms, ping settings and transports as the agent gateway) with no application logic:
// no auth check, no database, no Redis. It welcomes, acks every `agent.sync` event, and relays
// commands (POST /cmd/<pcId>) to the PC's room as a broadcast-with-ack, like the gateway does.
// Handshake token: `bare:<lan>:<pcId>`. Usage: node bare-agent-server.mjs <port>
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';
import msgpackParser from 'socket.io-msgpack-parser';

const port = Number(process.argv[2] ?? 0);
const HEARTBEAT_INTERVAL_S = Number(process.env.HEARTBEAT_INTERVAL_S ?? 10);

const http = createServer((req, res) => {
  const m = /^\/cmd\/([^/?]+)$/.exec(req.url ?? '');
  if (req.method === 'GET' && req.url === '/ready') return void res.end('ok');
  if (req.method !== 'POST' || !m) {
    res.statusCode = 404;
    return void res.end();
  }
  req.resume();
  const command = { type: 'pc.message', text: 'bench', commandId: randomUUID(), serverNowMs: Date.now() };
  nsp
    .to(`pc:${m[1]}`)
    .timeout(5_000)
    .emitWithAck('agent.command', command)
    .then(
      (acks) => {
        res.statusCode = acks.some((a) => a?.ok) ? 200 : 504;
        res.end();
      },
      () => {
        res.statusCode = 504;
        res.end();
      },
    );
});

const io = new Server(http, {
  parser: msgpackParser,
  serveClient: false,
  transports: ['websocket', 'polling'],
  pingInterval: 20_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 2_000_000,
});
const nsp = io.of('/agent');
nsp.use((socket, next) => {
  const [, lan, pcId] = String(socket.handshake.auth?.token ?? '').split(':');
  if (!pcId) return next(new Error('TOKEN_INVALID'));
  socket.data = { lan, pcId };
  next();
});
nsp.on('connection', (socket) => {
  const { lan, pcId } = socket.data;
  socket.join([`lan:${lan}`, `pc:${pcId}`]);
  socket.on('agent.sync', (batch, ack) => {
    if (typeof ack !== 'function') return;
    const events = Array.isArray(batch?.events) ? batch.events : [];
    ack({ batchId: batch?.batchId, serverNowMs: Date.now(), results: events.map((e) => ({ eventId: e.eventId, ok: true })) });
  });
  socket.emit('agent.welcome', {
    serverNowMs: Date.now(),
    pcId,
    config: { heartbeatIntervalSec: HEARTBEAT_INTERVAL_S },
    activeSessionId: null,
  });
});

http.listen(port, '127.0.0.1', () => console.log(`bare listening on ${http.address().port}`));
// A restart: refuse new connections, tell every client, let the close frames go out, exit.
const stop = () => {
  http.close();
  nsp.local.disconnectSockets(true);
  setTimeout(() => process.exit(0), 100);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
