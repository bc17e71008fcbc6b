// Values written as ClickHouse TabSeparated text ("TabSeparated" in the ClickHouse docs): the
// engine reads this format at a fraction of the CPU of JSON, which matters for the large
// inserts and id look-ups of an import. A backslash, tab or line break inside a value is
// written as its backslash sequence; most values have none, so the test comes first.
const ESCAPABLE = /[\\\t\n\r]/g;
// The same class without the global flag: test() on a global pattern keeps state between calls.
const NEEDS_ESCAPE = new RegExp(ESCAPABLE.source);
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export const tsvText = (value: string) => (NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, (c) => ESCAPES[c]) : value);

/** Validated numbers are finite; String() writes what the engine reads back exactly (1e+21 included). */
export const tsvNumber = (value: number | null) => (value === null ? '\\N' : String(value));
