// Known deviations: the target differs from the document exactly as an erratum records for
// the target's release (schemas/errata/*.json, `deviations`). Such a finding is true about
// the broker and stays visible, but it is not a regression: it gets its own verdict, which
// fails the run only with --strict-docs. Outside the recorded release range, on another
// pointer or with another real form, the same difference is an ordinary failure.
import semver from 'semver';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type ApiVersion } from './catalog.ts';
import { type KnownDeviation, errata } from './errata.ts';
import { type Finding, valueAtPointer } from './findings.ts';

const ajv = new Ajv2020({ strict: false });

interface Indexed {
  erratum: string;
  deviation: KnownDeviation;
  matchesReal: (value: unknown) => boolean;
}

let index: Indexed[] | undefined;
function all(): Indexed[] {
  index ??= (['v4', 'v3'] as ApiVersion[]).flatMap((v) =>
    errata(v).flatMap((e) =>
      (e.deviations ?? []).map((d) => {
        const validate = 'schema' in d.real ? ajv.compile(d.real.schema) : undefined;
        return { erratum: e.id, deviation: d, matchesReal: (value: unknown) => (validate ? value !== undefined && validate(value) : value === undefined) };
      }),
    ),
  );
  return index;
}

export function pointerMatches(pattern: string, pointer: string): boolean {
  const a = pattern.split('/');
  const b = pointer.split('/');
  return a.length === b.length && a.every((t, i) => t === '*' || t === b[i]);
}

/** The erratum that makes this schema failure a known deviation for the release, if any. */
export function knownDeviationFor(f: Finding, body: unknown, emqxVersion: string | undefined): Indexed | undefined {
  if (f.pointer === undefined || !emqxVersion) return undefined;
  const value = valueAtPointer(body, f.pointer);
  const sibling = (name: string): unknown => valueAtPointer(body, `${f.pointer!.slice(0, f.pointer!.lastIndexOf('/'))}/${name}`);
  return all().find(
    (k) =>
      k.deviation.endpoints.includes(f.endpoint) &&
      pointerMatches(k.deviation.pointer, f.pointer!) &&
      semver.satisfies(emqxVersion, k.deviation.releases) &&
      k.matchesReal(value) &&
      (!k.deviation.when || sibling(k.deviation.when.sibling) === k.deviation.when.equals),
  );
}

function evidenceText(d: KnownDeviation): string {
  return [...(d.evidence.observed ?? []).map((r) => `observed on EMQX ${r}`), ...(d.evidence.source ?? []).map((s) => `read in ${s}`)].join('; ');
}

/** Turn the schema failures that an erratum records for this release into known deviations. */
export function classifyKnown(failures: Finding[], body: unknown, emqxVersion: string | undefined): Finding[] {
  return failures.map((f) => {
    const k = knownDeviationFor(f, body, emqxVersion);
    if (!k) return f;
    const d = k.deviation;
    return {
      ...f,
      verdict: 'known-deviation' as const,
      erratum: k.erratum,
      reason: `EMQX ${d.releases} answers ${d.real.words} where the document has ${d.documented} (erratum ${k.erratum}; ${evidenceText(d)})`,
      message: `${f.message} — known deviation of EMQX ${emqxVersion} (erratum ${k.erratum})`,
    };
  });
}
