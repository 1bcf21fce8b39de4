import { eventsSuite } from './suites/events-suite.ts';

eventsSuite('postgres');
