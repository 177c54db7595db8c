"""The one search function the CLI and the TUI share.

Terms of 3+ characters go to the FTS5 trigram index, ranked by bm25 with title > summary
> body. Shorter terms (two-character Chinese words such as 激活 or 微调) are matched with
LIKE on the entries table, because SQLite 3.40's trigram LIKE is wrong for them. Every
term is passed as a bound, quoted phrase, so no user text can raise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, column, literal, literal_column, or_, select, table, text
from sqlalchemy.orm import Session

from kb.index.models import EntryRow

BM25_WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, body
_FTS = table("entry_fts", column("rowid"))
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


def _short_filter(term: str):
    pattern = _like(term)
    return or_(EntryRow.title_all.like(pattern, escape="\\"),
               EntryRow.summary_all.like(pattern, escape="\\"),
               EntryRow.body_all.like(pattern, escape="\\"))


def _short_rank(terms: list[str]):
    """Rank for LIKE-only matches: a term in the title beats one in the summary."""
    score = literal(0.0)
    for term in terms:
        pattern = _like(term)
        score = score - case((EntryRow.title_all.like(pattern, escape="\\"), 10.0),
                             (EntryRow.summary_all.like(pattern, escape="\\"), 4.0), else_=1.0)
    return score


def _base(kind: str | None) -> Select:
    q = select(EntryRow.id, EntryRow.kind, EntryRow.title_en, EntryRow.title_zh,
               EntryRow.summary_en, EntryRow.summary_zh, EntryRow.data, EntryRow.body_all)
    q = q.where(EntryRow.active.is_(True))
    if kind:
        q = q.where(EntryRow.kind == kind)
    return q


def _run(session: Session, long: list[str], short: list[str], *, any_: bool, kind: str | None, limit: int):
    q = _base(kind)
    if long:
        joiner = " OR " if any_ else " AND "
        match = joiner.join(_phrase(t) for t in long)
        rank = literal_column(f"bm25(entry_fts, {', '.join(map(str, BM25_WEIGHTS))})")
        q = q.add_columns(rank.label("rank")).join(
            _FTS, _FTS.c.rowid == EntryRow.rowid
        ).where(text("entry_fts MATCH :match").bindparams(match=match))
        if short and not any_:
            q = q.where(and_(*[_short_filter(t) for t in short]))
        q = q.order_by(text("rank"))
    else:
        filters = [_short_filter(t) for t in short]
        q = q.add_columns(_short_rank(short).label("rank"))
        q = q.where(or_(*filters) if any_ else and_(*filters)).order_by(text("rank"), EntryRow.id)
    return session.execute(q.limit(limit)).all()


def search(session: Session, query: str, *, kind: str | None = None, limit: int = 20,
           lang: str = "en", mode: str = "all") -> list[Hit]:
    """Entries matching every term (``mode="all"``), falling back to any term when
    none match all; ``mode="any"`` ranks by how well each entry matches any term."""
    terms = terms_of(query)
    if not terms or limit <= 0:
        return []
    long = [t for t in terms if len(t) >= 3]
    short = [t for t in terms if len(t) < 3]
    rows = []
    if mode == "all":
        rows = _run(session, long, short, any_=False, kind=kind, limit=limit)
    if not rows and (mode == "any" or len(terms) > 1):
        long_any, short_any = _loose_terms(terms)
        if long_any or short_any:
            rows = _run(session, long_any, short_any if not long_any else [], any_=True, kind=kind, limit=limit)
            terms = long_any or short_any
    return [_hit(r, terms, lang) for r in rows]


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
                elif len(run) == 2:
                    short.append(run)
        elif len(term) >= 3:
            long.append(term[:-1] if term.lower().endswith("s") and len(term) > 4 else term)
        else:
            short.append(term)
    return list(dict.fromkeys(long)), list(dict.fromkeys(short))


def _hit(row, terms: list[str], lang: str) -> Hit:
    ident, kind, t_en, t_zh, s_en, s_zh, data, body_all, rank = row
    snippet, spans = make_snippet(row_texts(data, lang, s_en, s_zh) + [body_all], terms)
    return Hit(ident, kind, {"en": t_en, "zh": t_zh}, {"en": s_en, "zh": s_zh}, snippet, spans, -float(rank or 0))


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
