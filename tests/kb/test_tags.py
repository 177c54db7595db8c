"""Tags: one registry of bilingual labels (``<root>/tags.yaml``), a lint that keeps one slug
per idea, and every face showing a tag by its label in the chosen language, whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from kb.content import load_roots
from kb.quality import quality_problems, tag_kinship, tag_problems

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
LONG = "Activation functions and their derivatives"  # longer than the 16 cells tags were cut to
LONG_ZH = "激活函数及其导数（逐元素作用的非线性）"

# Labels for the tags of fixtures/pack, one of them longer than any column tags were cut to.
PACK_TAGS = f"""\
activation: {{en: {LONG}, zh: {LONG_ZH}}}
foundations: {{en: Foundations, zh: 基础}}
attention: {{en: Attention, zh: 注意力机制}}
large-models: {{en: Large models, zh: 大模型}}
training: {{en: Training, zh: 训练}}
regularization: {{en: Regularization, zh: 正则化}}
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the lint -----------------------------------------------------------------------------


def lint(root: Path) -> list:
    return tag_problems(load_roots([root.resolve()]))


def test_each_kind_of_near_duplicate_is_caught_and_distinct_tags_are_not():
    problems = lint(FIXTURES / "tags-lint")
    dups = {p.field: p.message for p in problems if "look like one idea" in p.message}
    assert set(dups) == {"architectures", "activation-functions", "backpropagation", "pre-training",
                         "optimizer", "accelerators"}, problems
    assert "singular and plural" in dups["architectures"] and "'architecture'" in dups["architectures"]
    assert "generic word 'functions'" in dups["activation-functions"]
    assert "'backprop' abbreviates 'backpropagation'" in dups["backpropagation"]
    assert "separators" in dups["pre-training"] and "'pretraining'" in dups["pre-training"]
    assert "1 letter apart" in dups["optimizer"]
    assert "both are labelled '显卡' in zh" in dups["accelerators"]
    text = "\n".join(str(p) for p in problems)
    for distinct in ("'rnn'", "'cnn'", "'attention'", "'self-attention'", "'training-loop'"):
        assert distinct not in text
    # each problem points at the tag's line in tags.yaml
    where = {p.field: (Path(p.path).name, p.line, p.col) for p in problems if "look like one idea" in p.message}
    assert where["architectures"] == ("tags.yaml", 4, 1)


def test_an_unknown_tag_and_a_label_in_one_language_are_problems():
    problems = lint(FIXTURES / "tags-lint")
    unknown = [p for p in problems if "has no label" in p.message]
    assert [(Path(u.path).name, u.line, u.col, u.field) for u in unknown] == [("tagged.yaml", 5, 57, "tags[5]")]
    assert "'unlabelled: {en: ..., zh: ...}'" in unknown[0].message
    one_language = [p for p in problems if "no zh label" in p.message]
    assert [(p.field, p.line) for p in one_language] == [("numerics.zh", 23)]


def test_an_unknown_tag_near_a_known_one_names_it(tmp_path):
    write(tmp_path, "tags.yaml", "architecture: {en: Architecture, zh: 模型架构}\n")
    write(tmp_path, "concepts/a.yaml", """\
        id: a
        kind: concept
        title: {en: A, zh: 甲}
        summary: {en: s, zh: 摘要}
        tags: [architectures]
        """)
    (problem,) = [p for p in lint(tmp_path) if "has no label" in p.message]
    assert "(or use 'architecture')" in problem.message


@pytest.mark.parametrize("a, b", [("Pre_Training", "pre-training"), ("LLM", "llm"), ("fine tuning", "fine-tuning"),
                                  ("embedding", "embeddings"), ("probability", "probabilities"),
                                  ("loss", "loss-functions"), ("distributed", "distributed-training"),
                                  ("transformer", "transfomer"), ("normalisation", "normalization")])
def test_kinship_catches(a, b):
    assert tag_kinship(a, b) and tag_kinship(b, a)


@pytest.mark.parametrize("a, b", [("rnn", "cnn"), ("gpu", "gru"), ("llm", "lstm"), ("training", "training-loop"),
                                  ("attention", "self-attention"), ("generation", "generative"),
                                  ("numerics", "numerical-stability"), ("detection", "anomaly-detection"),
                                  ("inference", "local-inference"), ("quiz", "qa")])
def test_kinship_leaves_distinct_ideas_alone(a, b):
    assert tag_kinship(a, b) == ""


def test_the_lint_runs_with_the_other_quality_bars():
    content = load_roots([(FIXTURES / "tags-lint").resolve()])
    assert any("look like one idea" in p.message for p in quality_problems(content, year=2026))


def test_a_labels_chinese_follows_the_content_rules(tmp_path):
    write(tmp_path, "tags.yaml", "gpu-memory: {en: GPU memory, zh: GPU内存}\n")
    messages = [p.message for p in lint(tmp_path)]
    assert any("显存" in m for m in messages) and any("no space between Chinese" in m for m in messages)


# --- the tags file is content: validated, located, one bad label never stops the others ----


def test_tags_file_problems_are_located_and_good_labels_still_load(tmp_path):
    write(tmp_path, "tags.yaml", """\
        good: {en: Good, zh: 好}
        plain: just a string
        Bad_Slug: {en: Bad, zh: 坏}
        extra: {en: Extra, zh: 多余, fr: En trop}
        empty: {}
        """)
    content = load_roots([tmp_path.resolve()])
    got = {(p.line, p.col, p.field): p.message for p in content.problems}
    assert got[(2, 8, "plain")] == "must be a mapping with 'en' and/or 'zh', not a plain string"
    assert got[(3, 1, "Bad_Slug")].startswith("not a slug")
    assert got[(4, 28, "extra.fr")].startswith("unknown field")
    assert got[(5, 8, "empty")] == "needs text in 'en' or 'zh'"
    assert all(p.path.endswith("tags.yaml") and p.severity == "error" for p in content.problems)
    assert set(content.tags) == {"good"} and content.tags["good"].label.zh == "好"


@pytest.mark.parametrize("body, message", [
    ("- a\n- b\n", "the top level must map each tag"),
    ("a: &x {en: A}\nb: *x\n", "anchor"),
    ("a: !!python/object:os.system {}\n", "unknown or unsafe tag"),
])
def test_a_malformed_tags_file_is_one_clear_problem(tmp_path, body, message):
    (tmp_path / "tags.yaml").write_text(body, encoding="utf-8")
    content = load_roots([tmp_path.resolve()])
    assert len(content.problems) == 1 and message in content.problems[0].message
    assert content.tags == {}


def test_a_pack_brings_its_own_labels_and_the_first_root_wins(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, "tags.yaml", "shared: {en: Shared, zh: 共用}\n")
    write(second, "tags.yaml", "shared: {en: Other, zh: 另一个}\nown: {en: Own, zh: 自带}\n")
    content = load_roots([first.resolve(), second.resolve()])
    assert content.tags["shared"].label.en == "Shared" and content.tags["own"].label.zh == "自带"
    (warning,) = content.problems
    assert warning.severity == "warning" and warning.field == "shared" and "already labelled" in warning.message


# --- the shipped content --------------------------------------------------------------------


def test_every_shipped_tag_is_labelled_in_both_languages_and_no_two_name_one_idea():
    content = load_roots([REPO / "content"])
    problems = [p for p in content.problems if p.path.endswith("tags.yaml")] + tag_problems(content)
    assert problems == [], "\n".join(map(str, problems))
    used = {t for e in content.entries.values() for t in e.tags}
    assert used <= set(content.tags)
    # the near-duplicates of the defect report are merged
    assert not used & {"activation", "architectures", "backprop", "embedding", "framework"}


# --- the faces: kb show, kb list, kb progress -----------------------------------------------


@pytest.fixture
def labelled(pack) -> Path:
    write(pack, "tags.yaml", PACK_TAGS)
    return pack


def test_show_names_tags_by_their_label_whole_in_each_language(kb, labelled):
    zh = kb("--content", str(labelled), "--lang", "zh", "show", "relu")
    assert zh.code == 0 and f"**标签：** {LONG_ZH}\n" in zh.out  # the label, whole, not the slug
    en = kb("--content", str(labelled), "--lang", "en", "show", "relu")
    assert f"**Tags:** {LONG}\n" in en.out


def test_show_an_unlabelled_tag_by_its_slug(kb, pack):
    r = kb("--content", str(pack), "--lang", "zh", "show", "relu")
    assert "**标签：** activation" in r.out


def test_show_json_keeps_slugs_and_adds_labels(kb, labelled):
    data = kb("--content", str(labelled), "show", "relu", "--json").json()
    assert data["tags"] == ["activation"]
    assert data["tag_labels"] == {"activation": {"en": LONG, "zh": LONG_ZH}}


@pytest.mark.parametrize("tag", ["activation", LONG_ZH, LONG.upper(), f"  {LONG}  "])
def test_list_by_slug_or_label(kb, labelled, tag):
    rows = kb("--content", str(labelled), "list", "--tag", tag, "--json").json()
    assert {r["id"] for r in rows} == {"activation-function", "gelu", "relu", "sigmoid"}
    assert all(r["tags"] and "activation" in r["tags"] for r in rows)


@pytest.mark.parametrize("lang, said", [("en", "no entry has the tag 'activations'; did you mean: activation"),
                                        ("zh", "没有条目带有标签“activations”；你是不是要找：activation")])
def test_list_an_unknown_tag_is_a_clear_error(kb, labelled, lang, said):
    r = kb("--content", str(labelled), "--lang", lang, "list", "--tag", "activations")
    assert r.code != 0 and r.out == "" and said in r.err and r.err.count("\n") == 1


def test_list_a_known_tag_with_no_entry_of_the_kind_is_no_error(kb, labelled):
    r = kb("--content", str(labelled), "list", "--tag", "activation", "--kind", "tool")
    assert r.out == "" and r.err == "0 entries\n"


def test_progress_names_tags_by_their_label_whole(kb, labelled):
    r = kb("--content", str(labelled), "--lang", "zh", "progress")
    assert r.code == 0, r.err
    assert LONG_ZH in r.out and "  activation " not in r.out


def test_labels_follow_an_edit_of_the_tags_file(labelled):
    from kb.catalog import Catalog

    cat = Catalog.open([str(labelled)])
    try:
        assert cat.tag_label("activation", "zh") == LONG_ZH
        path = labelled / "tags.yaml"
        path.write_text(PACK_TAGS.replace(LONG_ZH, "激活"), encoding="utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # a coarse clock must not hide it
        assert cat.tag_label("activation", "zh") == "激活"
        assert cat.tag_label("nowhere", "zh") == "nowhere"
        assert cat.resolve_tag("激活") == "activation"
    finally:
        cat.close()


@pytest.mark.parametrize("body", ["a: &x {en: A}\nb: *x\n", "[" * 50 + "]" * 50, b"\xff\xfe",
                                  "activation: {en: Only English}\n"])
def test_a_bad_tags_file_never_breaks_reading(kb, pack, body):
    path = pack / "tags.yaml"
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    r = kb("--content", str(pack), "--lang", "zh", "show", "relu")
    assert r.code == 0
    label = "Only English" if "Only English" in str(body) else "activation"  # a fallback, else the slug
    assert f"**标签：** {label}" in r.out


def test_reading_labels_with_a_current_index_stays_light(tmp_path, labelled):
    """The read path (a current index) reads the labels without pydantic or the ORM."""
    program = textwrap.dedent(f"""
        import io, json, sys, runpy
        import kb.paths
        from pathlib import Path
        kb.paths.shipped_content_dir = lambda: Path({str(labelled)!r})
        sys.argv = ["kb", "--lang", "zh", "show", "relu"]
        sys.stdout = io.StringIO()
        try:
            runpy.run_module("kb", run_name="__main__")
        except SystemExit:
            pass
        out, sys.stdout = sys.stdout.getvalue(), sys.__stdout__
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "pydantic"))
        print(json.dumps({{"out": out, "heavy": heavy}}))
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("KB_CONTENT_PATH", "KB_LANG")}
    env["KB_HOME"] = str(tmp_path / "home")
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=300)
            for _ in range(2)]  # the first builds the index; the second reads a current one
    assert runs[1].returncode == 0, runs[1].stderr[-2000:]
    result = json.loads(runs[1].stdout.strip().splitlines()[-1])
    assert LONG_ZH in result["out"] and result["heavy"] == []


# --- the app: the browse filter, the entry page, the progress screen ------------------------

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=timezone.utc)


def run_app(coro):
    import asyncio

    asyncio.run(coro)


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "timed out"
        await pilot.pause(0.02)
    await pilot.pause()


def make_app(lang: str, root: Path):
    from kb.tui.app import KbApp

    return KbApp(lang=lang, roots=[str(root)], clock=lambda: NOW, tz=timezone.utc, lang_explicit=True)


def test_browse_filters_by_tag_label_and_keeps_the_filter_across_languages(labelled):
    from textual.widgets import OptionList, Select

    from kb.tui.screens.browse import BrowseScreen

    async def scenario():
        app = make_app("zh", labelled)
        async with app.run_test(size=(120, 36)) as pilot:
            await until(pilot, lambda: app.services is not None)
            await pilot.press("b")
            await until(pilot, lambda: isinstance(app.screen, BrowseScreen)
                        and app.screen.query_one("#entries", OptionList).option_count > 4)
            select = app.screen.query_one("#tag-select", Select)
            overlay = select.query_one(OptionList)  # the drop-down list of the select

            def prompts() -> list[str]:
                return [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]

            await until(pilot, lambda: f"{LONG_ZH} (4)" in prompts())
            await pilot.click("#tag-select")  # open the list with the mouse, pick with the keys
            await pilot.pause()
            assert overlay.has_focus
            for _ in range(overlay.option_count):
                if overlay.highlighted is not None and prompts()[overlay.highlighted] == f"{LONG_ZH} (4)":
                    break
                await pilot.press("down")
            await pilot.press("enter")
            screen = app.screen
            await until(pilot, lambda: screen.tag == "activation"
                        and screen.query_one("#entries", OptionList).option_count == 4)
            assert f"#{LONG_ZH}" in str(screen.query_one("#entries-panel").border_title)
            await pilot.press("ctrl+l")  # English: the filter stays, relabelled
            await until(pilot, lambda: f"#{LONG}" in str(screen.query_one("#entries-panel").border_title))
            assert screen.tag == "activation" and select.value == "activation"
            assert screen.query_one("#entries", OptionList).option_count == 4
    run_app(scenario())


def test_the_entry_page_shows_tags_by_label_whole(labelled):
    from textual.widgets import Markdown

    from kb.tui.screens.detail import DetailScreen

    async def scenario():
        app = make_app("zh", labelled)
        async with app.run_test(size=(120, 36)) as pilot:
            await until(pilot, lambda: app.services is not None)
            app.open_entry("relu")
            await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.data is not None)
            md = app.screen.query_one("#md", Markdown)
            assert f"**标签：** {LONG_ZH}" in md.source
            await pilot.press("ctrl+l")
            await until(pilot, lambda: f"**Tags:** {LONG}" in md.source)
    run_app(scenario())


def test_the_progress_screen_shows_tags_by_label_whole(labelled):
    from textual.widgets import Static

    from kb.tui.screens.progress import ProgressScreen

    async def scenario():
        app = make_app("zh", labelled)
        async with app.run_test(size=(160, 50)) as pilot:
            await until(pilot, lambda: app.services is not None)
            app.push_screen(ProgressScreen())
            await until(pilot, lambda: isinstance(app.screen, ProgressScreen) and app.screen.figures is not None)
            mastery = str(app.screen.query_one("#mastery", Static).render())
            assert LONG_ZH in mastery and "activation" not in mastery
    run_app(scenario())
