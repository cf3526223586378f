import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';

if (cluster.isPrimary) {
  const workers = Number(process.env.WEB_CONCURRENCY) || availableParallelism();
  for (let i = 0; i < workers; i += 1) cluster.fork();
} else {
  await import('./index.mjs');
}
