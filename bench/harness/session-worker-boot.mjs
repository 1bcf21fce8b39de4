// Worker threads do not inherit tsx's loader: this registers it, then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./session-worker.ts');
