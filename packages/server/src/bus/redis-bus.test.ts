import { busContract } from './bus-contract.ts';
import { createRedisBus } from './redis-bus.ts';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// No skip when Redis is down: the suite fails, saying where it looked.
busContract('redis', async () => {
  try {
    return await createRedisBus(url);
  } catch (err) {
    throw new Error(`Cannot reach Redis at ${url} (${(err as Error).message}); start it: redis-server --daemonize yes --port 6379`);
  }
});
