import { authAndInputSuite } from './suites/auth-and-input-suite.ts';

authAndInputSuite('pglite');
