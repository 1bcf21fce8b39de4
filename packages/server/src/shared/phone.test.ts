import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from './domain-error.ts';
import { isPhoneRegion, normalisePhone } from './phone.ts';

const refused = (raw: string, why: RegExp, region?: string) => {
  assert.throws(() => normalisePhone(raw, region), (err: unknown) => {
    assert.ok(err instanceof DomainError);
    assert.equal(err.code, 'invalid_phone');
    assert.equal(err.status, 422);
    assert.match(err.detail, why);
    assert.equal(err.extra.field, 'customer.phone');
    return true;
  });
};

test('numbers as people type them come out in E.164', () => {
  assert.equal(normalisePhone('+1 (415) 555-0123'), '+14155550123');
  assert.equal(normalisePhone('+44 20 7946 0958'), '+442079460958');
  assert.equal(normalisePhone(' +33 6 12 34 56 78 '), '+33612345678');
  assert.equal(normalisePhone('+49 151/1234 5678'), '+4915112345678');
  assert.equal(normalisePhone('0044 7911 123456'), '+447911123456', '00 is read as +');
});

test('a national number needs a default region, and is read in it', () => {
  refused('(415) 555-0123', /no country code/);
  assert.equal(normalisePhone('(415) 555-0123', 'US'), '+14155550123');
  assert.equal(normalisePhone('07911 123456', 'GB'), '+447911123456');
  assert.equal(normalisePhone('+33 6 12 34 56 78', 'US'), '+33612345678', 'a + number ignores the default region');
});

test('bad numbers are invalid_phone with the reason', () => {
  refused('call me maybe', /contains letters/);
  refused('+1 800 FLOWERS', /contains letters/);
  refused('+1 415 555 0123 #2', /characters other than digits/);
  refused('+1 415', /too short/);
  refused('+1 415 555 01234567', /too long/);
  refused('+999 123456789', /country code is unknown/);
  refused('+1 099 555 0123', /no such number exists/, undefined);
  refused('+44 7911 12345', /too short|wrong number of digits|no such number/);
  refused('', /characters other than digits/);
});

test('regions are checked against the metadata', () => {
  assert.ok(isPhoneRegion('US'));
  assert.ok(isPhoneRegion('GB'));
  assert.ok(!isPhoneRegion('XX'));
  assert.ok(!isPhoneRegion('us'));
});
