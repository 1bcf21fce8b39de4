/**
 * Genesys Cloud regions by the domain an org's users sign in at (apps.{domain}); the API is at
 * api.{domain}, the OAuth server at login.{domain}. Taken from the region table of Genesys's
 * own Platform API client (purecloud-platform-client-v2, PureCloudRegionHosts).
 */
export const GENESYS_REGIONS = [
  'mypurecloud.com', // us-east-1
  'use2.us-gov-pure.cloud', // us-east-2 (FedRAMP)
  'usw2.pure.cloud', // us-west-2
  'cac1.pure.cloud', // ca-central-1
  'sae1.pure.cloud', // sa-east-1
  'mypurecloud.ie', // eu-west-1
  'euw2.pure.cloud', // eu-west-2
  'mypurecloud.de', // eu-central-1
  'euc2.pure.cloud', // eu-central-2
  'mec1.pure.cloud', // me-central-1
  'aps1.pure.cloud', // ap-south-1
  'mypurecloud.jp', // ap-northeast-1
  'apne2.pure.cloud', // ap-northeast-2
  'apne3.pure.cloud', // ap-northeast-3
  'mypurecloud.com.au', // ap-southeast-2
  'apse1.pure.cloud', // ap-southeast-1
  'mxc1.pure.cloud', // mx-central-1
  'edee1.eusc-pure.cloud', // eusc-de-east-1 (EU sovereign cloud)
] as const;

export type GenesysRegion = (typeof GENESYS_REGIONS)[number];

export const isGenesysRegion = (v: string): v is GenesysRegion => (GENESYS_REGIONS as readonly string[]).includes(v);

export interface GenesysHosts {
  apiBaseUrl: string;
  loginBaseUrl: string;
}

export function genesysHosts(region: GenesysRegion): GenesysHosts {
  return { apiBaseUrl: `https://api.${region}`, loginBaseUrl: `https://login.${region}` };
}
