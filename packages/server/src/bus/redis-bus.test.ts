import pino from 'pino';
import { busContract } from '../../test/suites/bus-contract.ts';
import { createRedisBus } from './redis-bus.ts';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// No skip when Redis is down: the suite fails, saying where it looked (a node would start degraded).
busContract('redis', async () => {
  try {
    const bus = await createRedisBus(url, { commandTimeoutMs: 500, log: pino({ level: 'silent' }) });
    if (bus.health().state !== 'up') throw new Error(bus.health().reason ?? 'down');
    return bus;
  } catch (err) {
    throw new Error(`Cannot reach Redis at ${url} (${(err as Error).message}); start it: redis-server --daemonize yes --port 6379`);
  }
});
