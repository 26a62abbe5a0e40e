// Text shaping shared by the views. Finding text is untrusted: a broker's answer can hold
// anything, including characters that XML 1.0 forbids outright (even as `&#7;`) and bytes a
// terminal would execute (ESC, CSI). Every view passes it through these before it reaches a
// file or a screen.

// C0 controls but tab/newline/return, DEL and C1 controls, the XML non-characters, and
// surrogates that are not part of a pair.
const UNSAFE_CHAR =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces unsafe characters with a visible `\uXXXX`, so the evidence survives without its effect. */
export function showControlChars(text: string): string {
  return text.replace(UNSAFE_CHAR, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** For table cells and terminal lines: safe characters and no line breaks. */
export function oneLine(text: string): string {
  return showControlChars(text).replace(/\s*[\r\n\t]+\s*/g, ' ');
}

/** Element text in XML and HTML. */
export function escapeText(text: string): string {
  return showControlChars(text).replace(/[&<>]/g, (c) => ENTITY[c] ?? c);
}

/** Attribute values in XML and HTML; line breaks become references so attribute normalisation keeps them. */
export function escapeAttr(text: string): string {
  return showControlChars(text).replace(/[&<>"'\t\n\r]/g, (c) => ENTITY[c] ?? c);
}

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * JSON that may sit inside `<script type="application/json">`: `<`, `>` and `&` become
 * `\u003c`-style escapes, so no message can close the script (`</script>`) or open a
 * comment (`<!--`) that changes how the HTML parser reads what follows. JSON.parse reads
 * the escapes back to the same characters. U+2028/2029 are escaped for older JS parsers.
 */
export function jsonForScript(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** At most `max` characters (code points), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** `1 endpoint`, `2 endpoints`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
