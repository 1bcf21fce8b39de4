import { busContract } from '../../test/suites/bus-contract.ts';
import { createMemoryBus } from './memory-bus.ts';

busContract('memory', async () => createMemoryBus());
