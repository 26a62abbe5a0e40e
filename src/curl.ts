// A command that reproduces a request, as Schemathesis prints one under each finding.
// The secret is never in it: `-u id:$EMQX_APP_SECRET` lets the reader supply their own.

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface CurlInput {
  method: string;
  url: string;
  appId?: string;
  /** send credentials at all (false for the missing-credentials cases) */
  auth?: boolean;
  body?: string;
  insecure?: boolean;
  caFile?: string;
}

export function curlFor(req: CurlInput): string {
  const parts = ['curl', '-sS', '-i'];
  if (req.insecure) parts.push('-k');
  if (req.caFile) parts.push('--cacert', shellQuote(req.caFile));
  if (req.auth !== false && req.appId !== undefined) parts.push('-u', `${shellQuote(req.appId + ':')}"$EMQX_APP_SECRET"`);
  if (req.method !== 'GET') parts.push('-X', req.method);
  if (req.body !== undefined) parts.push('-H', shellQuote('content-type: application/json'), '--data-raw', shellQuote(req.body));
  parts.push(shellQuote(req.url));
  return parts.join(' ');
}
