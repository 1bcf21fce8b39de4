// Which frame origins a site's script tag allows: only exact http(s) origins, written any way a
// URL parser reads as an origin; wildcards, paths and anything else are ignored, never widened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrigins } from './frame-origins.ts';

test('origins are read as the browser writes them (case, default port, a bare trailing slash)', () => {
  assert.deepEqual(parseOrigins('https://Pay.Example:443  http://localhost:8080/\nhttps://help.example.com'),
    ['https://pay.example', 'http://localhost:8080', 'https://help.example.com']);
});

test('a wildcard, a path, a query, credentials or another scheme allow nothing', () => {
  assert.deepEqual(parseOrigins('* https://*.example.com https://pay.example/checkout https://pay.example/?x=1 https://u:p@pay.example ' +
    'ftp://pay.example null javascript:alert(1) data:text/html,x pay.example'), []);
  assert.deepEqual(parseOrigins(undefined), []);
  assert.deepEqual(parseOrigins(''), []);
});
