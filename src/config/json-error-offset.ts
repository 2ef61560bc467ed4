/**
 * Where JSON text first stops being JSON. V8's JSON.parse names a position only for some errors
 * (Node 20 says `Unexpected token '}', "{"a": tru}" is not valid JSON` with none, and quotes a
 * shortened excerpt for long text), so configFromJson finds the offset itself with this scan of
 * the RFC 8259 grammar, the one JSON.parse accepts. It only locates the error; JSON.parse still
 * does the parsing and supplies the message.
 */

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]{4}$/;

/** Thrown inside the scan with the offending offset (text.length for an early end). */
class SyntaxAt {
  constructor(readonly offset: number) {}
}

/** The UTF-16 offset of the first character that makes `text` invalid JSON; undefined when it is valid. */
export function jsonErrorOffset(text: string): number | undefined {
  let at = 0;
  const fail = (): never => {
    throw new SyntaxAt(at);
  };
  const skipWhitespace = () => {
    while (at < text.length && WHITESPACE.has(text[at]!)) at++;
  };
  const expect = (char: string) => {
    if (text[at] !== char) fail();
    at++;
  };
  const digits = () => {
    const start = at;
    while (at < text.length && text[at]! >= '0' && text[at]! <= '9') at++;
    if (at === start) fail();
  };
  const number = () => {
    if (text[at] === '-') at++;
    if (text[at] === '0') at++;
    else digits();
    if (text[at] === '.') {
      at++;
      digits();
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at++;
      if (text[at] === '+' || text[at] === '-') at++;
      digits();
    }
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (at >= text.length) fail();
      const char = text[at]!;
      if (char === '"') break;
      if (char < ' ') fail();
      if (char === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!HEX.test(text.slice(at + 1, at + 5))) {
            at++;
            while (at < text.length && /[0-9a-fA-F]/.test(text[at]!)) at++;
            fail();
          }
          at += 4;
        } else if (at >= text.length || !ESCAPES.has(text[at]!)) fail();
      }
      at++;
    }
    at++;
  };
  const literal = (word: string) => {
    for (const char of word) expect(char);
  };
  const list = (close: string, item: () => void) => {
    at++;
    skipWhitespace();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      item();
      skipWhitespace();
      if (text[at] === close) break;
      expect(',');
      skipWhitespace();
    }
    at++;
  };
  const value = (): void => {
    skipWhitespace();
    const char = text[at];
    if (char === '{') {
      list('}', () => {
        string();
        skipWhitespace();
        expect(':');
        value();
      });
    } else if (char === '[') list(']', value);
    else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) number();
    else fail();
  };
  try {
    value();
    skipWhitespace();
    if (at < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    throw error;
  }
}
