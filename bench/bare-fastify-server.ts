import Fastify from 'fastify';

// The load bench's baseline: Fastify with one route and nothing else (no plugins, no database, no
// logging), started the same way as the API (its own `node --import tsx` process), so the ratio of the
// two throughputs is what the API's work costs on top of Fastify itself.
const app = Fastify();
app.get('/api/bare', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
