"""Search: both languages (2-character Chinese included), case, mixed queries, ranking
(title > summary > body), snippets with highlights, filters, and hostile input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.catalog import Catalog
from kb.search import make_snippet, terms_of

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def cat(tmp_path_factory) -> Catalog:
    """One index of the fixture pack for the whole module (these tests only read)."""
    root = tmp_path_factory.mktemp("search")
    shutil.copytree(FIXTURES / "shipped", root / "shipped")
    shutil.copytree(FIXTURES / "pack", root / "pack")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KB_HOME", str(root / "home"))
        mp.delenv("KB_CONTENT_PATH", raising=False)
        mp.setattr("kb.paths.shipped_content_dir", lambda: root / "shipped")
        cat = Catalog.open([str(root / "pack")])
    yield cat
    cat.close()


def ids(hits) -> list[str]:
    return [h.id for h in hits]


@pytest.mark.parametrize("query", ["relu", "RELU", "ReLu", " relu ", "relu.", "“relu”"])
def test_english_is_case_insensitive(cat, query):
    hits = cat.search(query)
    assert ids(hits)[0] == "relu"
    assert {"relu", "sigmoid", "which-activation", "activations-path"} <= set(ids(hits))


@pytest.mark.parametrize("query, first", [
    ("激活", "activation-function"),  # 2 characters: LIKE on the content table
    ("微调", "fine-tuning"),
    ("过拟合", "overfitting"),  # 3+ characters: FTS5 trigram
    ("自注意力", "self-attention"),
    ("暂退法", "dropout"),
    ("键值缓存", "kv-cache"),
])
def test_chinese_of_any_length(cat, query, first):
    assert ids(cat.search(query, lang="zh"))[0] == first


def test_two_character_chinese_finds_every_entry_containing_it(cat):
    found = set(ids(cat.search("激活", limit=50)))
    assert found == {"activation-function", "relu", "sigmoid", "which-activation", "activations", "activations-path",
                     "dropout"}
    assert ids(cat.search("微调")) == ["fine-tuning"]


def test_single_characters_work_too(cat):
    assert "overfitting" in ids(cat.search("拟", limit=50))


def test_mixed_query_needs_every_term(cat):
    hits = cat.search("ReLU 激活")
    assert ids(hits)[0] == "relu"
    for h in hits:
        text = (h.title["en"] + h.title["zh"] + h.summary["en"] + h.summary["zh"]).lower()
        entry = cat.raw(h.id)
        assert "relu" in (text + str(entry)).lower() and "激活" in text + str(entry)
    assert ids(cat.search("ReLU激活")) == ids(hits)  # no space between scripts


def test_words_in_any_order_and_field(cat):
    assert ids(cat.search("overfitting stop"))[0] == "how-to-prevent-overfitting"
    assert "dropout" in ids(cat.search("dropout probability"))


def test_no_entry_has_every_term_falls_back_to_any(cat):
    hits = cat.search("sigmoid xylophone")
    assert "sigmoid" in ids(hits)


@pytest.fixture
def ranked(tmp_path, shipped, write) -> Catalog:
    """Three entries of the same length with a term once: in the title, the summary or
    the body; and a long entry with the term twice in its title."""
    def entry(ident, title, summary, body):
        write(tmp_path / "r", f"concepts/{ident}.yaml", f"""
            id: {ident}
            kind: concept
            title: {{en: "{title[0]}", zh: "{title[1]}"}}
            summary: {{en: "{summary[0]}", zh: "{summary[1]}"}}
            body: {{en: "{body[0]}", zh: "{body[1]}"}}
            """)

    filler = "word " * 30
    entry("in-body", ("Plain item", "普通条目"), ("Something else entirely here.", "完全不同的东西。"),
          (filler + "the zephyr appears here", filler + "这里出现了微风霓虹灯"))
    entry("in-summary", ("Other item", "另一条目"), ("A note about the zephyr.", "关于微风霓虹灯的说明。"),
          (filler + "nothing to see", filler + "没有什么"))
    entry("in-title", ("Zephyr", "微风霓虹灯"), ("Something else entirely.", "完全不同。"),
          (filler + "nothing to see", filler + "没有什么"))
    entry("long-title", ("Zephyr and more zephyr in a very long title about many other things", "微风霓虹灯以及很多其他的东西和更多的内容"),
          ("Zephyr " + filler, "微风霓虹灯" + "很多" * 40), (filler * 4 + " zephyr", "微风霓虹灯" * 3 + "很多" * 100))
    cat = Catalog.open([str(tmp_path / "r")])
    yield cat
    cat.close()


@pytest.mark.parametrize("query", ["zephyr", "ZEPHYR", "微风霓虹灯", "霓虹", "微风"])
def test_title_beats_summary_beats_body(ranked, query):
    order = ids(ranked.search(query))
    title_hits = [i for i in order if i in ("in-title", "long-title")]
    assert order[:2] == title_hits and len(title_hits) == 2
    assert order[2:] == ["in-summary", "in-body"]


def test_a_title_match_beats_a_short_summary_match(cat):
    """bm25 saturates: a short summary mentioning ReLU used to outrank the ReLU entry
    itself; the title decides first."""
    order = ids(cat.search("relu"))
    assert order[0] == "relu"
    assert order.index("relu") < order.index("activations-path")  # "From the neuron to ReLU."


def test_scores_decrease(cat):
    hits = cat.search("activation", limit=20)
    assert len(hits) >= 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_snippet_marks_every_term(cat):
    for query, lang in (("relu", "en"), ("ReLU 激活", "zh"), ("过拟合", "zh"), ("gradient", "en")):
        hits = cat.search(query, lang=lang)
        assert hits, query
        for h in hits:
            assert h.snippet and "\n" not in h.snippet
            marked = {h.snippet[s:e].lower() for s, e in h.highlights}
            assert marked and marked <= {t.lower() for t in terms_of(query)}, (query, h.id, h.snippet)
            assert all(0 <= s < e <= len(h.snippet) for s, e in h.highlights)


def test_snippet_prefers_the_chosen_language(cat):
    en = cat.search("dropout", lang="en", kind="concept")[0]
    zh = cat.search("dropout", lang="zh", kind="concept")[0]
    assert en.id == zh.id == "dropout"
    assert "Dropout" in en.snippet or "dropout" in en.snippet.lower()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.snippet)


def test_make_snippet_cuts_long_text_around_the_match():
    text = "alpha " * 50 + "the needle is here " + "omega " * 50
    snippet, spans = make_snippet([text], ["needle"], width=40)
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) == 42
    (s, e), = spans
    assert snippet[s:e] == "needle"


def test_kind_filter(cat):
    assert ids(cat.search("overfitting", kind="faq")) == ["how-to-prevent-overfitting"]
    assert ids(cat.search("overfitting", kind="concept")) == ["overfitting"]
    assert cat.search("overfitting", kind="tool") == []
    assert ids(cat.search("激活", kind="quiz")) == ["activations"]


def test_limit(cat):
    assert len(cat.search("a", limit=3)) == 3
    assert len(cat.search("activation", limit=1)) == 1
    assert cat.search("relu", limit=0) == []


def test_hits_carry_both_titles(cat):
    hit = cat.search("kv", lang="en")[0] if cat.search("kv") else None
    hit = cat.search("键值缓存")[0]
    assert hit.to_dict()["title"] == {"en": "", "zh": "键值缓存"}
    d = cat.search("relu")[0].to_dict()
    assert set(d) >= {"id", "kind", "title", "summary", "snippet", "highlights", "score"}
    assert d["title"] == {"en": "ReLU (rectified linear unit)", "zh": "修正线性单元（ReLU）"}


HOSTILE = [
    '"', '""', '"relu', "relu\"", "'", "self-attention", "AND", "OR", "NOT", "relu AND", "AND relu",
    "relu OR sigmoid", "NOT relu", "*", "relu*", "(", ")", "()", "(relu", "NEAR(", "NEAR(relu sigmoid)",
    "NEAR(relu, 2)", "'; DROP TABLE entries; --", "\\", "\\\\", "%", "_", "%_%", "a%b", "100%", "",
    " ", "\t\n", "x" * 1000, "激" * 1000, "relu " * 200, "title_all:relu", "{title_all}: relu", "^relu",
    "-relu", "+relu", "relu:", ":", "::", "\x00", "relu\x00sigmoid", "\u200b", "ＲｅＬＵ", "🙂", "é",
    "SELECT * FROM entries", "1=1", "' OR '1'='1", "`", "$", "[", "]", "{", "}", "?", "!", "&", "|",
    "NEAR", "near(", "MATCH", "entry_fts", "rank", "bm25(entry_fts)", "relu -sigmoid", "\ud7ff",
]


@pytest.mark.parametrize("query", HOSTILE, ids=[repr(q)[:30] for q in HOSTILE])
def test_hostile_input_never_raises(cat, query):
    for mode in ("all", "any"):
        hits = cat.search(query, mode=mode)
        assert isinstance(hits, list)
        assert all(h.id for h in hits)


def test_hostile_input_still_finds_what_it_names(cat):
    assert ids(cat.search("self-attention"))[0] == "self-attention"
    assert ids(cat.search('"relu"'))[0] == "relu"
    assert ids(cat.search("(relu)"))[0] == "relu"
    assert ids(cat.search("relu*"))[0] == "relu"
    assert "self-attention" in ids(cat.search("100%"))  # a literal %, not a wildcard
    assert cat.search("%") and all("%" in str(cat.raw(h.id)) for h in cat.search("%"))
    assert cat.search("_") == []  # no entry has an underscore; _ is not a wildcard
    assert cat.search("\x00") == []  # a NUL does not turn into "match everything"
    assert cat.search("'; DROP TABLE entries; --") is not None
    assert cat.get("relu") is not None  # nothing was dropped


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(query=st.text(max_size=60) | st.text(alphabet=st.sampled_from(list('relu激活"()*-^:%_\\ ANDORTN\'')), max_size=30),
       kind=st.sampled_from([None, "concept", "faq"]), mode=st.sampled_from(["all", "any"]))
def test_random_text_never_raises(cat, query, kind, mode):
    hits = cat.search(query, kind=kind, mode=mode, limit=5)
    assert len(hits) <= 5
    for h in hits:
        assert kind is None or h.kind == kind
        assert all(0 <= s < e <= len(h.snippet) for s, e in h.highlights)


@pytest.mark.parametrize("question", [
    "how do I stop overfitting", "How can I prevent overfitting?", "overfitting", "my model overfits",
    "怎么解决过拟合", "怎样防止过拟合？", "过拟合怎么办", "如何避免过拟合",
])
def test_questions_in_words_find_their_faq(cat, question):
    hits = cat.search(question, kind="faq", mode="any", limit=4)
    assert ids(hits)[0] == "how-to-prevent-overfitting"


@pytest.mark.parametrize("question, faq", [
    ("which activation should I use", "which-activation"),
    ("my loss explodes", "learning-rate-too-high"),
    ("为什么损失爆炸", "learning-rate-too-high"),
    ("选哪种激活函数", "which-activation"),
])
def test_other_faqs(cat, question, faq):
    assert ids(cat.search(question, kind="faq", mode="any"))[0] == faq


def test_terms_split_scripts_and_drop_quotes():
    assert terms_of('ReLU激活 "self-attention"') == ["ReLU", "激活", "self-attention"]
    assert terms_of("relu RELU Relu") == ["relu"]
    assert terms_of("  ") == [] and terms_of('"') == []
