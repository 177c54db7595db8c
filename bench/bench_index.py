"""Index refresh costs on a synthetic bilingual knowledge base, measured side by side.

    python bench/bench_index.py [--entries 10000] [--repeat 5]

Prints the full build time, then each incremental refresh as a fraction of it:
no change (target <= 2%), one file touched but unchanged, one file changed
(target <= 5%), one file deleted. Absolute times vary between machines and runs; the
ratios are what to compare. No assertions: this is a measurement.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synth import write_kb  # noqa: E402

from kb.index.build import open_index, refresh  # noqa: E402


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5, help="runs of each incremental case (median reported)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kb-bench-index-") as tmp:
        root = Path(tmp) / "kb"
        t_gen, paths = _timed(lambda: write_kb(root, args.entries))
        print(f"synthetic knowledge base: {len(paths)} files, "
              f"{sum(p.stat().st_size for p in paths) / len(paths) / 1024:.1f} KiB each ({t_gen:.1f} s to write)")
        db = Path(tmp) / "index.sqlite"
        roots = [root]

        def full_build():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            engine, fresh = open_index(db)
            stats = refresh(engine, roots, rebuilt=fresh)
            engine.dispose()
            return stats

        t_full, stats = _timed(full_build)
        assert stats.parsed == len(paths), stats
        engine, _ = open_index(db)

        def run(prepare, expect_parsed):
            times = []
            for i in range(args.repeat):
                prepare(i)
                t, st = _timed(lambda: refresh(engine, roots))
                assert st.parsed == expect_parsed, (prepare.__name__, st)
                times.append(t)
            return statistics.median(times)

        def nothing(_i):
            pass

        victim = paths[len(paths) // 2]
        original = victim.read_text(encoding="utf-8")

        def touch(i):
            st = victim.stat()
            os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000 * (i + 1)))

        def change(i):
            victim.write_text(original.replace("zh: ", f"zh: 改{i}", 1), encoding="utf-8")

        removed: list[Path] = []

        def delete(i):
            if removed:  # put back the file the previous run deleted (not timed)
                removed[-1].write_text(original_of[removed[-1]], encoding="utf-8")
                refresh(engine, roots)
            p = paths[i * 7 + 3]
            original_of[p] = p.read_text(encoding="utf-8")
            p.unlink()
            removed.append(p)

        original_of: dict[Path, str] = {}
        cases = [
            ("no change", run(nothing, 0), "target <= 2%"),
            ("one file touched, same bytes", run(touch, 0), ""),
            ("one file changed", run(change, 1), "target <= 5%"),
            ("one file deleted", run(delete, 0), ""),
        ]
        engine.dispose()

    print(f"full build ({len(paths)} entries): {t_full:8.3f} s  ({t_full / len(paths) * 1e3:.2f} ms per file)")
    for name, t, target in cases:
        print(f"refresh, {name:<30} {t * 1e3:8.1f} ms  = {t / t_full:6.2%} of a full build  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
