// Cuts an X12 stream into interchanges (ISA … IEA) so each one is parsed on its own: an
// interchange with a broken envelope cannot take the valid ones around it down with it, and
// memory holds one interchange at a time. node-x12 parses each piece; its stream mode is not
// used because it re-reads the delimiters at the start of every chunk.
import { textChunks } from '../importResult.ts';

export type InterchangeText = { text: string; firstLine: number };

// In a well-formed ISA (106 characters) the element separator is at index 3 and the segment
// terminator at index 105.
export const ISA_LENGTH = 106;
const TERMINATOR_INDEX = 105;

const escape = (char: string) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Finds where the interchange starting at `start` ends: before the next ISA that follows a terminator or a line break. */
function nextInterchangeStart(buffer: string, start: number): number {
  const separator = buffer[start + 3] ?? '*';
  const terminator = buffer[start + TERMINATOR_INDEX] ?? '~';
  const boundary = new RegExp(`(?:${escape(terminator)}|\\n)\\s*ISA${escape(separator)}`, 'g');
  boundary.lastIndex = start + 3;
  const match = boundary.exec(buffer);
  return match ? match.index + match[0].length - 4 : -1;
}

const countLines = (text: string) => {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
};

export async function* interchanges(input: NodeJS.ReadableStream | string): AsyncIterable<InterchangeText | { garbage: string; line: number }> {
  let buffer = '';
  let line = 1;
  const take = function* (final: boolean): Generator<InterchangeText | { garbage: string; line: number }> {
    for (;;) {
      const start = buffer.search(/ISA/);
      if (start === -1) {
        if (final && buffer.trim()) yield { garbage: buffer.trim().slice(0, 40), line };
        // Keep two characters: an 'ISA' may be split across chunks.
        const kept = final ? 0 : 2;
        line += countLines(buffer.slice(0, buffer.length - kept));
        buffer = buffer.slice(buffer.length - kept);
        return;
      }
      if (buffer.slice(0, start).trim()) {
        yield { garbage: buffer.slice(0, start).trim().slice(0, 40), line };
      }
      line += countLines(buffer.slice(0, start));
      buffer = buffer.slice(start);
      const end = nextInterchangeStart(buffer, 0);
      if (end === -1 && !final) return;
      const text = end === -1 ? buffer : buffer.slice(0, end);
      yield { text, firstLine: line };
      line += countLines(text);
      buffer = end === -1 ? '' : buffer.slice(end);
      if (end === -1) return;
    }
  };
  for await (const chunk of textChunks(input)) {
    buffer += chunk;
    yield* take(false);
  }
  yield* take(true);
}
