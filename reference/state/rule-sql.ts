// The subset of the EMQX rule SQL the reference broker runs:
//   SELECT * | expr [AS alias], ... FROM "filter"[, "filter"...] [WHERE condition]
// Expressions are field paths (topic, clientid, payload.a.b, ...), string/number/boolean
// literals, comparisons (= != <> > < >= <=), AND / OR / NOT and parentheses. That is enough for
// republish-style rules; anything else is a parse error (400 "Bad Arguments" from the API).

export type Value = string | number | boolean | null | undefined | Record<string, unknown> | unknown[];

type Expr =
  | { k: 'lit'; v: Value }
  | { k: 'path'; parts: string[] }
  | { k: 'not'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr };

export interface SelectField {
  expr: Expr;
  alias: string;
}

export interface ParsedSql {
  /** undefined for `SELECT *`. */
  fields: SelectField[] | undefined;
  from: string[];
  where: Expr | undefined;
}

export class SqlError extends Error {}

type Tok = { t: 'id' | 'str' | 'num' | 'op' | 'punct'; v: string };

function tokenize(sql: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < sql.length && sql[j] !== c) {
        if (sql[j] === '\\' && j + 1 < sql.length) j++;
        s += sql[j];
        j++;
      }
      if (j >= sql.length) throw new SqlError('unterminated string');
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(sql.slice(i));
    if (num && (c !== '-' || out.length === 0 || out[out.length - 1]!.t === 'op')) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const op = /^(<>|!=|>=|<=|=|>|<)/.exec(sql.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    if (c === ',' || c === '(' || c === ')' || c === '*') {
      out.push({ t: 'punct', v: c });
      i++;
      continue;
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$.]*/.exec(sql.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new SqlError(`unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private kw(word: string): boolean {
    const t = this.peek();
    if (t && t.t === 'id' && t.v.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private punct(p: string): boolean {
    const t = this.peek();
    if (t && t.t === 'punct' && t.v === p) {
      this.i++;
      return true;
    }
    return false;
  }

  parse(): ParsedSql {
    if (!this.kw('select')) throw new SqlError('expected SELECT');
    let fields: SelectField[] | undefined;
    if (this.punct('*')) fields = undefined;
    else {
      fields = [];
      do {
        const start = this.i;
        const expr = this.expr();
        let alias: string;
        if (this.kw('as')) {
          const a = this.peek();
          if (!a || a.t !== 'id') throw new SqlError('expected alias');
          this.i++;
          alias = a.v;
        } else {
          const t = this.toks[start]!;
          alias = expr.k === 'path' ? expr.parts[expr.parts.length - 1]! : t.v;
        }
        fields.push({ expr, alias });
      } while (this.punct(','));
    }
    if (!this.kw('from')) throw new SqlError('expected FROM');
    const from: string[] = [];
    do {
      const t = this.peek();
      if (!t || t.t !== 'str' || t.v.length === 0) throw new SqlError('FROM expects quoted topic filters');
      this.i++;
      from.push(t.v);
    } while (this.punct(','));
    let where: Expr | undefined;
    if (this.kw('where')) where = this.expr();
    if (this.i !== this.toks.length) throw new SqlError(`unexpected ${this.peek()!.v}`);
    return { fields, from, where };
  }

  private expr(): Expr {
    let l = this.and();
    while (this.kw('or')) l = { k: 'bin', op: 'or', l, r: this.and() };
    return l;
  }

  private and(): Expr {
    let l = this.not();
    while (this.kw('and')) l = { k: 'bin', op: 'and', l, r: this.not() };
    return l;
  }

  private not(): Expr {
    if (this.kw('not')) return { k: 'not', e: this.not() };
    return this.cmp();
  }

  private cmp(): Expr {
    const l = this.atom();
    const t = this.peek();
    if (t && t.t === 'op') {
      this.i++;
      return { k: 'bin', op: t.v === '<>' ? '!=' : t.v, l, r: this.atom() };
    }
    return l;
  }

  private atom(): Expr {
    const t = this.peek();
    if (!t) throw new SqlError('unexpected end');
    this.i++;
    if (t.t === 'punct' && t.v === '(') {
      const e = this.expr();
      if (!this.punct(')')) throw new SqlError('expected )');
      return e;
    }
    if (t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'num') return { k: 'lit', v: Number(t.v) };
    if (t.t === 'id') {
      const low = t.v.toLowerCase();
      if (low === 'true') return { k: 'lit', v: true };
      if (low === 'false') return { k: 'lit', v: false };
      if (low === 'null') return { k: 'lit', v: null };
      return { k: 'path', parts: t.v.split('.') };
    }
    throw new SqlError(`unexpected ${t.v}`);
  }
}

export function parseSql(sql: unknown): ParsedSql {
  if (typeof sql !== 'string' || sql.trim() === '') throw new SqlError('rawsql must be a non-empty string');
  return new Parser(tokenize(sql)).parse();
}

/** Resolves `payload.x.y` by decoding the payload as JSON on first use. */
export type Row = Record<string, unknown>;

function lookup(row: Row, parts: string[]): Value {
  let cur: unknown = row;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (cur === null || cur === undefined) return undefined;
    if (typeof cur === 'string' && i > 0) {
      try {
        cur = JSON.parse(cur);
      } catch {
        return undefined;
      }
    }
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur as Value;
}

function evaluate(e: Expr, row: Row): Value {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'path':
      return lookup(row, e.parts);
    case 'not':
      return !truthy(evaluate(e.e, row));
    case 'bin': {
      if (e.op === 'and') return truthy(evaluate(e.l, row)) && truthy(evaluate(e.r, row));
      if (e.op === 'or') return truthy(evaluate(e.l, row)) || truthy(evaluate(e.r, row));
      const l = evaluate(e.l, row);
      const r = evaluate(e.r, row);
      return compare(e.op, l, r);
    }
  }
}

function truthy(v: Value): boolean {
  return v === true;
}

function compare(op: string, l: Value, r: Value): boolean {
  // EMQX compares a number with a numeric string numerically.
  let a: unknown = l;
  let b: unknown = r;
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) b = Number(b);
  if (typeof b === 'number' && typeof a === 'string' && a.trim() !== '' && !Number.isNaN(Number(a))) a = Number(a);
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return (a as number) > (b as number);
    case '<':
      return (a as number) < (b as number);
    case '>=':
      return (a as number) >= (b as number);
    case '<=':
      return (a as number) <= (b as number);
    default:
      return false;
  }
}

/** The selected columns if the row passes WHERE, else undefined. */
export function runSql(sql: ParsedSql, row: Row): Row | undefined {
  if (sql.where && !truthy(evaluate(sql.where, row))) return undefined;
  if (!sql.fields) return { ...row };
  const out: Row = {};
  for (const f of sql.fields) out[f.alias] = evaluate(f.expr, row);
  return out;
}
