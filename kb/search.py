"""The one search function the CLI and the TUI share.

Search goes in tiers and stops as soon as it has enough hits: titles that start with
the query; entries whose title has every term; whose title or summary has them; whose
text has them. So a title match always ranks above a summary match, and a summary match
above one in the body (FTS5's bm25 sums the column weights before saturating, so a
short summary could outrank a title). Within a tier, entries with more occurrences of
the terms come first, then shorter ones: bm25's term frequency and length
normalisation without its idf, which FTS5 computes by counting every match (5-50 ms
for a common term in 100,000 entries) and which is the same for every candidate of a
one-term query.

Terms of 3+ characters go to FTS5 trigram tables, one per tier, of which at most CAP
candidates are ranked, so a term found in half the knowledge base costs what a rare
one does. Shorter terms (two-character Chinese words such as 激活 or 微调) are matched
with LIKE on the content tables, because SQLite 3.40's trigram LIKE is wrong for them.
Every term is passed as a bound, quoted phrase, so no user text can raise.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPLIT = re.compile(rf"[{_CJK}]+|[^\s{_CJK}]+")
_EDGE_PUNCT = "\"'“”‘’「」『』《》（）()[]{}<>,.;:!?，。；：！？、*^~+-"
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how i if in into is it its me my of on or "
    "should so than that the their then there these this to use used using was what when where "
    "which who why will with you your vs versus".split()
) | frozenset("怎么 怎样 如何 什么 为什么 哪个 哪些 是否 可以 应该 我的 我们 一个 的 了 吗 呢 和 与 在 是 我".split())


@dataclass
class Hit:
    id: str
    kind: str
    title: dict[str, str]
    summary: dict[str, str]
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # spans in snippet
    score: float = 0.0

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "summary": self.summary,
                "snippet": self.snippet, "highlights": [list(h) for h in self.highlights],
                "score": round(self.score, 4)}


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")


def terms_of(query: str) -> list[str]:
    """Split a query into terms: whitespace, and boundaries between CJK and other
    scripts (``ReLU激活`` → ``ReLU``, ``激活``). Quotes, edge punctuation and wildcard
    marks go, and control characters count as spaces (a NUL would end the FTS5 query
    string early, and LIKE would match every row)."""
    out: list[str] = []
    for tok in _SPLIT.findall(_INVISIBLE.sub(" ", query).replace('"', " ")):
        tok = tok.strip(_EDGE_PUNCT)
        if tok and tok.lower() not in (t.lower() for t in out):
            out.append(tok)
    return out


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


CAP = 300  # candidates ranked per tier: a common term costs what a rarer one does

# The FTS5 table of each tier: title, title + summary, everything.
_TIERS = ("title_fts", "head_fts", "entry_fts")


def _is_cjk(term: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", term))


_COLUMNS = ("SELECT e.rowid, e.id, e.kind, e.title_en, e.title_zh, e.summary_en, e.summary_zh, e.data, e.body_all"
            " FROM entries AS e")


def _out(kind: str | None, *, kind_index: bool = True, joins: str = "") -> tuple[str, list]:
    """The columns a hit is made of, for active entries (of one kind): the SQL up to its
    WHERE clause, and its parameters."""
    # Wrapped so that no index serves the condition: the one on active (true nearly
    # everywhere) would otherwise win over better ones and make SQLite read every row.
    sql = _COLUMNS + joins + " WHERE coalesce(e.active, 0) IS 1"
    params: list = []
    if kind:
        sql += " AND e.kind = ?" if kind_index else " AND coalesce(e.kind, '') = ?"
        params.append(kind)
    return sql, params


def _contains(columns: list[str], terms: list[str], any_: bool) -> tuple[str, list]:
    """Every term (any term with ``any_``) in one of ``columns``, as LIKE with escapes."""
    each = ["(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")" for t in terms]
    params = [_like(t) for t in terms for _ in columns]
    return "(" + (" OR " if any_ else " AND ").join(each) + ")", params


def _occurrences(col: str, terms: list[str]) -> tuple[str, list]:
    """How many times the terms occur in ``col`` (ASCII case folded, as LIKE does)."""
    sql, params = "0", []
    for term in terms:
        low = term.lower()
        sql += f" + (length({col}) - length(replace(lower({col}), ?, ''))) / ({len(low)} + 0.0)"
        params.append(low)
    return "(" + sql + ")", params


def _by_rowids(conn: sqlite3.Connection, rowids: list[int], kind: str | None) -> list:
    if not rowids:
        return []
    sql, params = _out(kind)
    sql += f" AND e.rowid IN ({', '.join('?' * len(rowids))})"
    rows = {r[0]: r for r in conn.execute(sql, params + rowids)}
    return [rows[i] for i in rowids if i in rows]


def _run(conn: sqlite3.Connection, long: list[str], short: list[str], *, any_: bool, kind: str | None, limit: int,
         prefix: str | None = None) -> list[tuple]:
    """Tier by tier until ``limit`` hits: titles that start with ``prefix``; then
    entries whose title has the terms; whose title or summary has them; whose text has
    them. Each FTS tier ranks at most CAP candidates, so that a term found in
    half the knowledge base costs no more than a rare one; LIKE tiers (terms shorter
    than 3 characters only) scan the narrow heads table and stop at ``limit``."""
    found: list[tuple] = []  # (row, score)
    seen: list[int] = []

    def take(rows, tier: int) -> None:
        for i, row in enumerate(rows):
            found.append((row, (4 - tier) + 1.0 / (2 + i)))
            seen.append(row[0])

    if prefix:
        key = prefix.lower()
        col = "e.title_zh" if _is_cjk(key) else "lower(e.title_en)"
        sql, params = _out(kind, kind_index=False)
        sql += f" AND {col} >= ? AND {col} < ? ORDER BY {col} LIMIT ?"
        take(conn.execute(sql, params + [key, key + "\U0010ffff", limit]).fetchall(), 0)

    joiner = " OR " if any_ else " AND "
    for tier, fts in enumerate(_TIERS, 1):
        need = limit - len(found)
        if need <= 0:
            break
        if long:
            inner = (f"SELECT f.rowid AS rowid FROM {fts} AS f"
                     + (" JOIN heads AS h ON h.rowid = f.rowid" if kind else "")
                     + f" WHERE {fts} MATCH ?" + (" AND h.kind = ?" if kind else "")
                     + (f" AND f.rowid NOT IN ({', '.join(map(str, seen))})" if seen else "")
                     + " LIMIT ?")
            inner_params = [joiner.join(_phrase(t) for t in long)] + ([kind] if kind else []) + [CAP]
            sql, params = _out(kind, joins=f" JOIN ({inner}) AS cand ON cand.rowid = e.rowid"
                               " JOIN heads ON heads.rowid = e.rowid")
            params = inner_params + params
            if short and not any_:
                cols = (["e.title_all"], ["e.title_all", "e.summary_all"],
                        ["e.title_all", "e.summary_all", "e.body_all"])[tier - 1]
                cond, cp = _contains(cols, short, False)
                sql += " AND " + cond
                params += cp
            every = long + short
            if tier == 1:
                occ, op = _occurrences("heads.title_all", every)
                order = f"{occ} DESC, length(heads.title_all)"
            else:  # weighted as the title and summary columns were for bm25
                occ_t, op_t = _occurrences("heads.title_all", every)
                occ_s, op_s = _occurrences("heads.summary_all", every)
                order = (f"10 * {occ_t} + 4 * {occ_s} DESC,"
                         " length(heads.title_all) + length(heads.summary_all)")
                op = op_t + op_s
            sql += f" ORDER BY {order}, e.rowid LIMIT ?"
            take(conn.execute(sql, params + op + [need]).fetchall(), tier)
        elif tier < 3:
            cols = ["heads.title_all"] if tier == 1 else ["heads.title_all", "heads.summary_all"]
            cond, params = _contains(cols, short, any_)
            sql = "SELECT heads.rowid FROM heads WHERE " + cond
            if kind:
                sql += " AND heads.kind = ?"
                params.append(kind)
            if seen:
                sql += f" AND heads.rowid NOT IN ({', '.join(map(str, seen))})"
            if any_ and len(short) > 1:  # the entries with more of the terms first
                parts = [_contains(cols, [t], True) for t in short]
                sql += " ORDER BY 0 + " + " + ".join(p[0] for p in parts) + " DESC, heads.rowid"
                params += [x for p in parts for x in p[1]]
            rowids = [r[0] for r in conn.execute(sql + " LIMIT ?", params + [need + 8])]
            take(_by_rowids(conn, rowids, kind)[:need], tier)
        else:
            sql, params = _out(kind)
            cond, cp = _contains(["e.title_all", "e.summary_all", "e.body_all"], short, any_)
            sql += " AND " + cond
            params += cp
            if seen:
                sql += f" AND e.rowid NOT IN ({', '.join(map(str, seen))})"
            take(conn.execute(sql + " LIMIT ?", params + [need]).fetchall(), tier)
    return found


def search(conn: sqlite3.Connection, query: str, *, kind: str | None = None, limit: int = 20,
           lang: str = "en", mode: str = "all") -> list[Hit]:
    """Entries matching every term (``mode="all"``), falling back to any term when
    none match all; ``mode="any"`` ranks by how well each entry matches any term.
    A title match ranks above a summary match, which ranks above one in the text."""
    terms = terms_of(query)
    if not terms or limit <= 0:
        return []
    long = [t for t in terms if len(t) >= 3]
    short = [t for t in terms if len(t) < 3]
    found: list[tuple] = []
    if mode == "all":
        # "learning rate" → titles starting with it; Chinese terms have no spaces between
        prefix = terms[0] if len(terms) == 1 else None if any(map(_is_cjk, terms)) else " ".join(terms)
        found = _run(conn, long, short, any_=False, kind=kind, limit=limit, prefix=prefix)
    if not found and (mode == "any" or len(terms) > 1):
        long_any, short_any = _loose_terms(terms)
        # Trigrams first; Chinese bigrams when no trigram matches (损失爆炸 → 损失, 爆炸).
        for loose in ([long_any] if long_any else []) + ([short_any] if short_any else []):
            long_, short_ = (loose, []) if loose is long_any else ([], loose)
            found = _run(conn, long_, short_, any_=True, kind=kind, limit=limit)
            if found:
                terms = loose
                break
    return [_hit(row, score, terms, lang) for row, score in found]


def _loose_terms(terms: list[str]) -> tuple[list[str], list[str]]:
    """For matching a question typed in words: drop stop words, and cut Chinese runs
    into overlapping trigrams (过拟合 inside 怎么解决过拟合) since Chinese has no spaces."""
    long: list[str] = []
    short: list[str] = []
    for term in terms:
        if term.lower() in STOPWORDS:
            continue
        if re.fullmatch(rf"[{_CJK}]+", term):
            for w in STOPWORDS:
                if len(w) > 1 and re.fullmatch(rf"[{_CJK}]+", w):
                    term = term.replace(w, " ")
            for run in term.split():
                if len(run) >= 3:
                    long += [run[i:i + 3] for i in range(len(run) - 2)]
                if len(run) >= 2:
                    short += [run[i:i + 2] for i in range(len(run) - 1)]
        elif len(term) >= 3:
            long.append(term[:-1] if term.lower().endswith("s") and len(term) > 4 else term)
        else:
            short.append(term)
    return list(dict.fromkeys(long)), list(dict.fromkeys(short))


def _hit(row, score: float, terms: list[str], lang: str) -> Hit:
    _, ident, kind, t_en, t_zh, s_en, s_zh, data, body_all = row[:9]
    snippet, spans = make_snippet(row_texts(data, lang, s_en, s_zh) + [body_all], terms)
    return Hit(ident, kind, {"en": t_en, "zh": t_zh}, {"en": s_en, "zh": s_zh}, snippet, spans, score)


def row_texts(data: str, lang: str, s_en: str, s_zh: str) -> list[str]:
    """Texts a snippet may come from, the chosen language first."""
    import json

    doc = json.loads(data)
    other = "zh" if lang == "en" else "en"
    out = [s_en if lang == "en" else s_zh]
    for key in ("body", "answer", "question"):
        val = doc.get(key)
        if isinstance(val, dict):
            out.append(val.get(lang) or "")
    out.append(s_zh if lang == "en" else s_en)
    for key in ("body", "answer"):
        val = doc.get(key)
        if isinstance(val, dict):
            out.append(val.get(other) or "")
    for key in ("title",):
        val = doc.get(key, {})
        out += [val.get(lang) or "", val.get(other) or ""]
    return [t for t in out if t]


def make_snippet(texts: list[str], terms: list[str], width: int = 90) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first term found, with every term marked."""
    lowered = [t.lower() for t in terms]
    for source in texts:
        flat = " ".join(source.replace("**", "").replace("`", "").split())
        low = flat.lower()
        positions = [low.find(t) for t in lowered]
        found = [p for p in positions if p >= 0]
        if not found:
            continue
        first = min(found)
        start = max(0, first - width // 3)
        end = min(len(flat), start + width)
        start = max(0, min(start, end - width))
        piece = flat[start:end]
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(flat) else ""
        snippet = prefix + piece + suffix
        spans: list[tuple[int, int]] = []
        low_snip = snippet.lower()
        for t in lowered:
            i = low_snip.find(t)
            while i >= 0:
                spans.append((i, i + len(t)))
                i = low_snip.find(t, i + len(t))
        return snippet, _merge(spans)
    fallback = " ".join((texts[0] if texts else "").split())
    return (fallback[:width] + ("…" if len(fallback) > width else "")), []


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
