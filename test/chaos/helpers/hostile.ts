// Generators of hostile input for fuzzing: the values an attacker or a broken producer
// sends, not random noise alone.
import fc from 'fast-check';

export const SQL_INJECTIONS = [
  "'; DROP TABLE events; --",
  "O-1' OR '1'='1",
  "1); DELETE FROM events WHERE (1=1",
  '{ids:Array(String)}',
  "\\'; SELECT * FROM system.users; --",
  'x\' UNION SELECT name FROM system.tables --',
];
export const FORMULA_INJECTIONS = ['=HYPERLINK("http://evil.example","x")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)', '\t=1+1', '=1+1\r\n'];
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Strings that break naive code: NUL, lone surrogates, control chars, RTL, huge. */
export const hostileString = fc.oneof(
  fc.constantFrom(...SQL_INJECTIONS, ...FORMULA_INJECTIONS, ...PROTO_KEYS, '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\u202e\u0007\b\f', '', ' ', '../../etc/passwd', '%00', '<script>alert(1)</script>'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 4097, max: 300_000 }).map((n) => 'A'.repeat(n)),
);

const deepNesting = fc.integer({ min: 50, max: 5000 }).chain((depth) => fc.constantFrom('[', '{"a":').map((open) => ({ depth, open })));

/** A JSON value (as text) that is hostile: wrong types, extremes, deep nesting, proto keys. */
export const hostileJsonValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => JSON.stringify(s)),
  fc.constantFrom('1e308', '-1e308', '1e400', '-0', '9007199254740993', '123456789012345678901234567890', 'true', 'null', '[]', '{}', '[null]', '"NaN"', '"Infinity"'),
  fc.double().map((d) => (Number.isFinite(d) ? String(d) : 'null')),
  deepNesting.map(({ depth, open }) => (open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
  fc.constantFrom(...PROTO_KEYS).map((k) => `{"${k}":{"polluted":"yes"}}`),
  fc.array(hostileString, { maxLength: 4 }).map((a) => JSON.stringify(a)),
);
