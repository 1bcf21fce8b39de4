// The Python client's payload TypedDicts name the same fields as the protocol's event schemas
// (the ones the OpenAPI document publishes), so a typed Python receiver matches the server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { EVENT_PAYLOAD_SCHEMAS, EVENT_TYPES } from '@tandem/protocol';
import { PYTHON_CLIENT_DIR } from './python-venv.ts';

const DUMP = `
import json, typing
import tandem_client as t
print(json.dumps({
  "payloads": {k: {"fields": sorted(v.__required_keys__ | v.__optional_keys__), "required": sorted(v.__required_keys__)} for k, v in ` +
    `t.EVENT_PAYLOAD_TYPES.items()},
  "eventTypes": list(typing.get_args(t.EventType)),
}))`;

test('every event type has a Python TypedDict with the fields (required and optional) of its payload schema', () => {
  const out = execFileSync('python3', ['-c', DUMP], { cwd: PYTHON_CLIENT_DIR, encoding: 'utf8', timeout: 30_000 });
  const { payloads, eventTypes } = JSON.parse(out) as { payloads: Record<string, { fields: string[]; required: string[] }>; eventTypes: string[] };
  assert.deepEqual([...eventTypes].sort(), [...EVENT_TYPES].sort(), 'tandem_client.EventType');
  assert.deepEqual(Object.keys(payloads).sort(), [...EVENT_TYPES].sort(), 'EVENT_PAYLOAD_TYPES');
  for (const type of EVENT_TYPES) {
    const schema = EVENT_PAYLOAD_SCHEMAS[type];
    assert.deepEqual(payloads[type]!.fields, Object.keys(schema.properties).sort(), `${type} fields`);
    assert.deepEqual(payloads[type]!.required, [...(schema.required ?? [])].sort(), `${type} required fields`);
  }
});
