import { inviteFlowSuite } from './suites/invite-flow-suite.ts';

inviteFlowSuite('postgres');
