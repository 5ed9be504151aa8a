// The image's HEALTHCHECK, for every mode: an API process answers /healthz on PORT, a worker on
// METRICS_PORT, and only one of them listens in a container. Liveness only: the database is /readyz's job.
const ports = [process.env.PORT ?? '3000', process.env.METRICS_PORT ?? '9464'].filter((port) => port !== 'off');

async function answers(port) {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) }).catch(() => null);
  return response?.ok === true;
}

for (const port of ports) if (await answers(port)) process.exit(0);
process.exit(1);
