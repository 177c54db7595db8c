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
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, column, func, literal, or_, select, text
from sqlalchemy.orm import Session

from kb.index.models import EntryRow, HeadRow

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


def _out(kind: str | None, *, kind_index: bool = True) -> Select:
    """The columns a hit is made of, for active entries (of one kind)."""
    q = select(EntryRow.rowid, EntryRow.id, EntryRow.kind, EntryRow.title_en, EntryRow.title_zh,
               EntryRow.summary_en, EntryRow.summary_zh, EntryRow.data, EntryRow.body_all)
    # Wrapped so that no index serves the condition: the one on active (true nearly
    # everywhere) would otherwise win over better ones and make SQLite read every row.
    q = q.where(func.coalesce(EntryRow.active, False).is_(True))
    if kind:
        q = q.where((EntryRow.kind if kind_index else func.coalesce(EntryRow.kind, "")) == kind)
    return q


def _contains(columns, terms: list[str], any_: bool):
    """Every term (any term with ``any_``) in one of ``columns``, as LIKE with escapes."""
    each = [or_(*[c.like(_like(t), escape="\\") for c in columns]) for t in terms]
    return or_(*each) if any_ else and_(*each)


def _occurrences(col, terms: list[str]):
    """How many times the terms occur in ``col`` (ASCII case folded, as LIKE does)."""
    total = literal(0)
    for term in terms:
        low = term.lower()
        total = total + (func.length(col) - func.length(func.replace(func.lower(col), low, ""))) / len(low)
    return total


def _by_rowids(session: Session, rowids: list[int], kind: str | None) -> list:
    if not rowids:
        return []
    rows = {r.rowid: r for r in session.execute(_out(kind).where(EntryRow.rowid.in_(rowids)))}
    return [rows[i] for i in rowids if i in rows]


def _run(session: Session, long: list[str], short: list[str], *, any_: bool, kind: str | None, limit: int,
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
            seen.append(row.rowid)

    if prefix:
        key = prefix.lower()
        col = EntryRow.title_zh if _is_cjk(key) else func.lower(EntryRow.title_en)
        q = _out(kind, kind_index=False).where(col >= key, col < key + "\U0010ffff").order_by(col).limit(limit)
        take(session.execute(q).all(), 0)

    joiner = " OR " if any_ else " AND "
    for tier, fts in enumerate(_TIERS, 1):
        need = limit - len(found)
        if need <= 0:
            break
        if long:
            inner = (f"SELECT f.rowid AS rowid FROM {fts} AS f"
                     + (" JOIN heads AS h ON h.rowid = f.rowid" if kind else "")
                     + f" WHERE {fts} MATCH :match" + (" AND h.kind = :kind" if kind else "")
                     + (f" AND f.rowid NOT IN ({', '.join(map(str, seen))})" if seen else "")
                     + " LIMIT :cap")
            cand = text(inner).bindparams(match=joiner.join(_phrase(t) for t in long), cap=CAP, **(
                {"kind": kind} if kind else {})).columns(column("rowid")).subquery("cand")
            q = _out(kind).join(cand, cand.c.rowid == EntryRow.rowid).join(HeadRow, HeadRow.rowid == EntryRow.rowid)
            if short and not any_:
                cols = ([EntryRow.title_all], [EntryRow.title_all, EntryRow.summary_all],
                        [EntryRow.title_all, EntryRow.summary_all, EntryRow.body_all])[tier - 1]
                q = q.where(_contains(cols, short, False))
            every = long + short
            if tier == 1:
                order = (_occurrences(HeadRow.title_all, every).desc(), func.length(HeadRow.title_all))
            else:  # weighted as the title and summary columns were for bm25
                order = ((10 * _occurrences(HeadRow.title_all, every) + 4 * _occurrences(HeadRow.summary_all, every)).desc(),
                         func.length(HeadRow.title_all) + func.length(HeadRow.summary_all))
            take(session.execute(q.order_by(*order, EntryRow.rowid).limit(need)).all(), tier)
        elif tier < 3:
            cols = [HeadRow.title_all] if tier == 1 else [HeadRow.title_all, HeadRow.summary_all]
            q = select(HeadRow.rowid).where(_contains(cols, short, any_))
            if kind:
                q = q.where(HeadRow.kind == kind)
            if seen:
                q = q.where(HeadRow.rowid.not_in(seen))
            if any_ and len(short) > 1:  # the entries with more of the terms first
                q = q.order_by(sum((_contains(cols, [t], True) for t in short), literal(0)).desc(), HeadRow.rowid)
            rowids = list(session.scalars(q.limit(need + 8)))
            take(_by_rowids(session, rowids, kind)[:need], tier)
        else:
            cols = [EntryRow.title_all, EntryRow.summary_all, EntryRow.body_all]
            q = _out(kind).where(_contains(cols, short, any_))
            if seen:
                q = q.where(EntryRow.rowid.not_in(seen))
            take(session.execute(q.limit(need)).all(), tier)
    return found


def search(session: Session, query: str, *, kind: str | None = None, limit: int = 20,
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
        found = _run(session, long, short, any_=False, kind=kind, limit=limit, prefix=prefix)
    if not found and (mode == "any" or len(terms) > 1):
        long_any, short_any = _loose_terms(terms)
        # Trigrams first; Chinese bigrams when no trigram matches (损失爆炸 → 损失, 爆炸).
        for loose in ([long_any] if long_any else []) + ([short_any] if short_any else []):
            long_, short_ = (loose, []) if loose is long_any else ([], loose)
            found = _run(session, long_, short_, any_=True, kind=kind, limit=limit)
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
