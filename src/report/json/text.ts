/**
 * Characters JSON may carry raw that a terminal acts on or hides: C1 controls (U+009B is a one-byte CSI), DEL,
 * U+2028/2029 and every format character (bidi overrides and isolates, zero-width and tag characters). C0 controls
 * `JSON.stringify` escapes itself, and its line breaks between values must stay.
 */
const RAW_IN_JSON = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;
const ABOVE_ASCII = /[\u007f-\uffff]/;

/**
 * `JSON.stringify`, with every character above written as a `\uXXXX` escape (each UTF-16 unit of one beyond the
 * BMP): the parsed value stays exact, and JSON printed to a terminal carries no control or hidden character.
 * Structural JSON is ASCII, so these can only stand inside strings.
 */
export function jsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent) ?? 'null';
  // All of them are above ASCII, which most reports are all of: a plain scan is several times faster than the
  // Unicode one, which runs only when there is something for it to find.
  if (!ABOVE_ASCII.test(text)) return text;
  return text.replace(RAW_IN_JSON, (char) => {
    let out = '';
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
