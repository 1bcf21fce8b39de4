import { busContract } from './bus-contract.ts';
import { createMemoryBus } from './memory-bus.ts';

busContract('memory', async () => createMemoryBus());
