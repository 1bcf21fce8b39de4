import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genesysHosts, isGenesysRegion } from './genesys-regions.ts';

// Genesys Cloud's region table as its own Platform API client publishes it
// (purecloud-platform-client-v2, PureCloudRegionHosts): region → the domain users sign in at.
const PUBLISHED: Record<string, string> = {
  us_east_1: 'mypurecloud.com', eu_west_1: 'mypurecloud.ie', ap_southeast_2: 'mypurecloud.com.au', ap_northeast_1: 'mypurecloud.jp',
  eu_central_1: 'mypurecloud.de', us_west_2: 'usw2.pure.cloud', ca_central_1: 'cac1.pure.cloud', ap_northeast_2: 'apne2.pure.cloud',
  eu_west_2: 'euw2.pure.cloud', ap_south_1: 'aps1.pure.cloud', us_east_2: 'use2.us-gov-pure.cloud', sa_east_1: 'sae1.pure.cloud',
  me_central_1: 'mec1.pure.cloud', ap_northeast_3: 'apne3.pure.cloud', eu_central_2: 'euc2.pure.cloud', mx_central_1: 'mxc1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud', eusc_de_east_1: 'edee1.eusc-pure.cloud',
};

test('every Genesys Cloud region can be linked, with its API and login hosts', () => {
  for (const [region, domain] of Object.entries(PUBLISHED)) {
    assert.ok(isGenesysRegion(domain), `${region} (${domain}) is refused`);
    assert.deepEqual(genesysHosts(domain as Parameters<typeof genesysHosts>[0]),
      { apiBaseUrl: `https://api.${domain}`, loginBaseUrl: `https://login.${domain}` });
  }
  assert.equal(isGenesysRegion('apps.mypurecloud.com'), false, 'the apps host is not the region');
  assert.equal(isGenesysRegion('mypurecloud.fr'), false);
});
