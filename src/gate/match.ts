// How a waiver names what it waives: an endpoint glob, a check kind and a JSON pointer
// pattern (docs/gating.md, "Waivers"). Pure.
import type { Finding } from '../findings.ts';
import type { Waiver } from './model.ts';

/** `*` matches any run of characters (dots included); everything else is literal. */
export function globMatches(glob: string, text: string): boolean {
  const re = new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`, 's');
  return re.test(text);
}

/**
 * A JSON pointer pattern against a pointer. Tokens are compared as written (escaped, `~1`
 * for `/`): a token `*` matches exactly one token, `*` inside a token any characters of
 * that token (`send_msg.*`), and a token `**` any number of tokens, none included.
 * `''` is the whole body; a finding without a pointer is about the whole body.
 */
export function pointerMatches(pattern: string, pointer: string | undefined): boolean {
  return matchTokens(rawTokens(pattern), 0, rawTokens(pointer ?? ''), 0);
}

/** Whether a waiver names this finding (expiry aside). */
export function waiverMatches(w: Waiver, f: Finding): boolean {
  return w.check === f.check && globMatches(w.endpoint, f.endpoint) && (w.pointer === undefined || pointerMatches(w.pointer, f.pointer));
}

/** A pointer pattern's problem in words, or undefined: `**` stands alone as a token. */
export function pointerPatternProblem(pattern: string): string | undefined {
  if (pattern !== '' && !pattern.startsWith('/')) return 'must start with / ("" is the whole body)';
  const bad = rawTokens(pattern).find((t) => t.includes('**') && t !== '**');
  return bad === undefined ? undefined : `uses ** inside the token "${bad}": ** must be a whole token (/data/**/port)`;
}

function rawTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1);
}

function matchTokens(pat: string[], i: number, ptr: string[], j: number): boolean {
  if (i === pat.length) return j === ptr.length;
  const p = pat[i]!;
  if (p === '**') {
    for (let k = j; k <= ptr.length; k++) if (matchTokens(pat, i + 1, ptr, k)) return true;
    return false;
  }
  return j < ptr.length && globMatches(p, ptr[j]!) && matchTokens(pat, i + 1, ptr, j + 1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
