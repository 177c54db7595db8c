"""Search latency on a large synthetic bilingual index, measured side by side.

    python bench/bench_search.py [--entries 100000] [--repeat 20] [--keep DIR]

Builds an index of N synthetic entries (bench/synth.py; rows are inserted directly,
without YAML files, since only search is measured), then times ``kb.search.search``:
p50/p95 for English and Chinese queries of 3+ characters (FTS5 trigram, bm25) and of
2 characters (LIKE on the content table), and the same 3+ character terms run as a
full-scan LIKE over the same table, as the ratio FTS is measured against. Target: FTS
p95 <= 5 ms. No assertions: this is a measurement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synth import entries  # noqa: E402

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from kb.index.build import STAMP, open_index  # noqa: E402
from kb.index.models import EntryRow, Meta, SourceFile  # noqa: E402
from kb.index.text import searchable  # noqa: E402
from kb.schema import KINDS  # noqa: E402
from kb.search import _like, search, terms_of  # noqa: E402

QUERIES = {
    "en 3+": ["gradient", "attention", "overfitting", "softmax", "dropout", "tokenizer",
              "backpropagation", "relu", "learning rate", "weight decay", "quantization", "beam search"],
    "zh 3+": ["过拟合", "注意力", "反向传播", "梯度下降", "学习率", "交叉熵", "权重衰减", "位置编码",
              "自注意力", "损失函数"],
    "en 2": ["ai", "nn", "of", "lr", "gd", "by"],
    "zh 2": ["激活", "微调", "梯度", "嵌入", "池化", "量化", "蒸馏", "推理"],
}


def build(db: Path, n: int) -> None:
    engine, fresh = open_index(db)
    if not fresh:
        with Session(engine) as s:
            if s.scalar(select(EntryRow.rowid).order_by(EntryRow.rowid.desc()).limit(1)) == n:
                engine.dispose()
                return
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        engine, _ = open_index(db)
    t = time.perf_counter()
    rows: list[dict] = []
    with Session(engine) as s, s.begin():
        s.execute(SourceFile.__table__.insert(), [{"id": 1, "path": "synthetic", "display": "synthetic",
                                                   "root_order": 0, "size": 0, "mtime_ns": 0, "sha256": ""}])
        for rowid, (kind, doc) in enumerate(entries(n), 1):
            entry = KINDS[kind].model_validate(doc)
            title, summary, body = searchable(entry)
            rows.append({
                "rowid": rowid, "id": entry.id, "kind": entry.kind, "file_id": 1,
                "sort_key": f"0000/{rowid:08d}", "active": True, "id_line": 1, "id_col": 5,
                "title_en": entry.title.en or "", "title_zh": entry.title.zh or "",
                "summary_en": entry.summary.en or "", "summary_zh": entry.summary.zh or "",
                "title_all": title, "summary_all": summary, "body_all": body,
                "data": entry.model_dump_json(exclude_none=True),
            })
            if len(rows) == 2000:
                s.execute(EntryRow.__table__.insert(), rows)
                rows = []
        if rows:
            s.execute(EntryRow.__table__.insert(), rows)
        s.execute(Meta.__table__.update().where(Meta.key == "stamp").values(value=STAMP))
    with engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO entry_fts(entry_fts) VALUES ('optimize')")
        conn.commit()
    engine.dispose()
    print(f"built a {n}-entry index in {time.perf_counter() - t:.1f} s ({db.stat().st_size / 2**20:.0f} MiB)")


def like_scan(session: Session, query: str, limit: int = 10) -> list:
    where, rank, params = [], [], {}
    for i, term in enumerate(terms_of(query)):
        params[f"p{i}"] = _like(term)
        where.append(f"(title_all LIKE :p{i} ESCAPE '\\' OR summary_all LIKE :p{i} ESCAPE '\\' "
                     f"OR body_all LIKE :p{i} ESCAPE '\\')")
        rank.append(f"CASE WHEN title_all LIKE :p{i} ESCAPE '\\' THEN 10 WHEN summary_all LIKE :p{i} "
                    f"ESCAPE '\\' THEN 4 ELSE 1 END")
    sql = (f"SELECT id, kind, title_en, title_zh, summary_en, summary_zh FROM entries WHERE active AND "
           f"{' AND '.join(where)} ORDER BY {' + '.join(rank)} DESC, id LIMIT {limit}")
    return session.execute(text(sql), params).all()


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="keep the index in this directory and reuse it next time")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kb-bench-search-") as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        db = where / f"bench-{args.entries}.sqlite"
        build(db, args.entries)
        engine, _ = open_index(db)
        results: dict[str, list[float]] = {}
        hits: dict[str, list[int]] = {}
        from kb.index.current import connect_read_only

        conn = connect_read_only(db)  # the read path every face uses
        with Session(engine) as session:
            for q in sum(QUERIES.values(), []):  # warm the page cache once
                search(conn, q, limit=10)

            def timed(name, fn, q):
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    found = fn(q)
                    results.setdefault(name, []).append((time.perf_counter() - t) * 1e3)
                hits.setdefault(name, []).append(len(found))

            for group, queries in QUERIES.items():
                for q in queries:
                    timed(group, lambda q: search(conn, q, limit=10), q)
            for group in ("en 3+", "zh 3+"):
                for q in QUERIES[group]:
                    # The same question answered by a full-scan LIKE over the same table,
                    # ranked title > summary > body: what FTS saves.
                    timed(f"{group} as LIKE", lambda q: like_scan(session, q), q)
        conn.close()
        engine.dispose()

    print(f"search over {args.entries} entries, limit 10, {args.repeat} runs of each query "
          f"(ms; 'hits' = results per query, at most 10)")
    print(f"{'queries':<18}{'p50':>9}{'p95':>9}{'max':>9}   hits")
    for name, samples in results.items():
        print(f"{name:<18}{pct(samples, 50):9.2f}{pct(samples, 95):9.2f}{max(samples):9.2f}   "
              f"{statistics.mean(hits[name]):.1f}")
    for group in ("en 3+", "zh 3+"):
        fts, like = results[group], results[f"{group} as LIKE"]
        print(f"{group}: FTS p95 {pct(fts, 95):.2f} ms (target <= 5 ms); full-scan LIKE p95 is "
              f"{pct(like, 95) / pct(fts, 95):.1f}x the FTS p95, p50 {pct(like, 50) / pct(fts, 50):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
