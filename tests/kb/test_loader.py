"""The loader: every refusal as an exact ``path:line:col: field: message`` problem, and
the checks across files (duplicate ids, dangling links, one bad file among good ones)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.content import load_roots
from kb.loader import MAX_BYTES, MAX_DEPTH, load_file, parse_yaml

OK_TEXTS = "title: {en: T, zh: 标题}\nsummary: {en: S, zh: 摘要}\n"


def errors(content) -> list:
    return [p for p in content.problems if p.severity == "error"]


def problems_of(tmp_path: Path, rel: str, text: str | bytes) -> list[str]:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else textwrap.dedent(text).lstrip("\n").encode())
    loaded = load_file(path, rel)
    return [str(p) for p in loaded.problems]


# Each case: (file name, content, the exact problems). One per refusal the loader makes.
GOLDEN = {
    "syntax-unclosed-quote": ("concepts/a.yaml", """
        id: a
        kind: concept
        title: {en: "unclosed, zh: x}
        summary: {en: s}
        """, ["concepts/a.yaml:5:1: -: YAML syntax error: while scanning a quoted scalar at 3:13, "
              "found unexpected end of stream"]),
    "syntax-bad-indent": ("concepts/a.yaml", """
        id: a
        kind: concept
          title: x
        """, ["concepts/a.yaml:3:8: -: YAML syntax error: mapping values are not allowed in this context"]),
    "syntax-tab": ("concepts/a.yaml", "id: a\n\tkind: concept\n",
                   ["concepts/a.yaml:2:1: -: YAML syntax error: while scanning a plain scalar at 1:5, "
                    "found a tab character that violates indentation"]),
    "two-documents": ("concepts/a.yaml", "id: a\n---\nid: b\n",
                      ["concepts/a.yaml:2:1: -: YAML syntax error: expected a single document in the "
                       "stream at 1:1, but found another document"]),
    "anchor": ("concepts/a.yaml", """
        id: a
        kind: concept
        title: &t {en: T, zh: 标题}
        summary: *t
        """, ["concepts/a.yaml:3:8: -: YAML anchor '&t' is not allowed in content"]),
    "alias": ("concepts/a.yaml", "id: a\nsummary: *t\n",
              ["concepts/a.yaml:2:10: -: YAML alias is not allowed in content (found undefined alias)"]),
    "python-object": ("concepts/a.yaml", """
        id: a
        kind: concept
        title: !!python/object/apply:os.system ["echo pwned"]
        """, ["concepts/a.yaml:3:8: -: unknown or unsafe tag "
              "'tag:yaml.org,2002:python/object/apply:os.system'; content may not use tags"]),
    "python-name": ("concepts/a.yaml", "id: !!python/name:os.system\n",
                    ["concepts/a.yaml:1:5: -: unknown or unsafe tag 'tag:yaml.org,2002:python/name:os.system'; "
                     "content may not use tags"]),
    "unknown-tag": ("concepts/a.yaml", "id: a\nkind: !concept concept\n",
                    ["concepts/a.yaml:2:7: -: unknown or unsafe tag '!concept'; content may not use tags"]),
    "latin-1": ("concepts/a.yaml", "id: a\nkind: concept\ntitle: {en: caf\xe9}\n".encode("latin-1"),
                ["concepts/a.yaml:3:16: -: not valid UTF-8 (byte 0xe9)"]),
    "utf-16": ("concepts/a.yaml", "id: a\n".encode("utf-16"), ["concepts/a.yaml:1:1: -: not valid UTF-8 (byte 0xff)"]),
    "top-level-list": ("concepts/a.yaml", "- id: a\n- id: b\n",
                       ["concepts/a.yaml:1:1: -: the top level must be a mapping of fields, not list"]),
    "top-level-scalar": ("concepts/a.yaml", "just some text\n",
                         ["concepts/a.yaml:1:1: -: the top level must be a mapping of fields, not str"]),
    "empty": ("concepts/a.yaml", "", ["concepts/a.yaml:1:1: -: the file is empty"]),
    "comment-only": ("concepts/a.yaml", "# nothing yet\n", ["concepts/a.yaml:1:1: -: the file is empty"]),
    "not-slugs": ("concepts/a.yaml", """
        id: Self_Attention
        kind: concept
        title: {en: T, zh: 标题}
        summary: {en: S, zh: 摘要}
        related: [ok-id, Not OK]
        """, ["concepts/a.yaml:1:5: id: not a slug (lowercase letters, digits and single hyphens, e.g. 'self-attention')",
              "concepts/a.yaml:5:18: related[1]: not a slug (lowercase letters, digits and single hyphens, "
              "e.g. 'self-attention')"]),
    "unknown-fields": ("concepts/a.yaml", """
        id: a
        kind: concept
        title: {en: T, zh: 标题}
        summary: {en: S, zh: 摘要}
        sumary: {en: S}
        formulas:
          - expr: y = x
            nmae: {en: Identity}
        """, ["concepts/a.yaml:5:1: sumary: unknown field (check its spelling; see `kb schema`)",
              "concepts/a.yaml:8:5: formulas[0].nmae: unknown field (check its spelling; see `kb schema`)"]),
    "missing-field": ("concepts/a.yaml", "id: a\nkind: concept\ntitle: {en: T, zh: 标题}\n",
                      ["concepts/a.yaml:1:1: summary: required field is missing"]),
    "wrong-types-deep": ("concepts/a.yaml", """
        id: a
        kind: concept
        title: {en: T, zh: 标题}
        summary: {en: S, zh: 摘要}
        key_points:
          - {en: one, zh: 一}
          - {en: two, zh: [二]}
        formulas:
          - expr: ""
        """, ["concepts/a.yaml:7:19: key_points[1].zh: Input should be a valid string",
              "concepts/a.yaml:9:11: formulas[0].expr: String should have at least 1 character"]),
    "plain-string-text": ("concepts/a.yaml", """
        id: a
        kind: concept
        title: Just a string
        summary: {en: '', zh: ' '}
        """, ["concepts/a.yaml:3:8: title: must be a mapping with 'en' and/or 'zh', not a plain string",
              "concepts/a.yaml:4:10: summary: needs text in 'en' or 'zh'"]),
    "duplicate-key": ("concepts/a.yaml", """
        id: a
        kind: concept
        title: {en: T, zh: 标题}
        summary: {en: S, zh: 摘要}
        related: [b]
        related: [c]
        """, ["concepts/a.yaml:6:1: related: duplicate key (first at line 5); "
              "YAML would silently keep only the last value"]),
    "number-key": ("concepts/a.yaml", "id: a\nkind: concept\n2024: year\n",
                   ["concepts/a.yaml:3:1: -: key '2024' is not text; quote it or remove it"]),
    "kind-missing": ("concepts/a.yaml", "id: a\ntitle: {en: T}\n",
                     ["concepts/a.yaml:1:1: kind: missing; expected one of "
                      "['application', 'concept', 'exercise', 'faq', 'path', 'quiz', 'tool']"]),
    "kind-unknown": ("concepts/a.yaml", "id: a\nkind: blogpost\n",
                     ["concepts/a.yaml:2:7: kind: unknown kind 'blogpost'; expected one of "
                      "['application', 'concept', 'exercise', 'faq', 'path', 'quiz', 'tool']"]),
    "kind-unhashable": ("concepts/a.yaml", "id: a\nkind: [concept]\n",
                        ["concepts/a.yaml:2:7: kind: unknown kind ['concept']; expected one of "
                         "['application', 'concept', 'exercise', 'faq', 'path', 'quiz', 'tool']"]),
    "kind-in-wrong-folder": ("faqs/a.yaml", "id: a\nkind: concept\n" + OK_TEXTS,
                             ["faqs/a.yaml:2:7: kind: a 'concept' entry in the folder for 'faq' entries"]),
    "tool-without-successor": ("tools/t.yaml", """
        id: t
        kind: tool
        title: {en: T, zh: 标题}
        summary: {en: S, zh: 摘要}
        category: framework
        homepage: https://example.org
        status: superseded
        status_year: 2025
        """, ["tools/t.yaml:1:1: successor: a superseded tool names its successor (the id of an entry)"]),
    "tool-bad-values": ("tools/t.yaml", """
        id: t
        kind: tool
        title: {en: T, zh: 标题}
        summary: {en: S, zh: 摘要}
        category: spreadsheet
        homepage: ftp://example.org
        status: active
        status_year: 1900
        """, ["tools/t.yaml:5:11: category: Input should be 'framework', 'library', 'model-hub', 'dataset-hub', "
              "'experiment-tracking', 'serving', 'research', 'platform', 'notebook', 'data', 'evaluation' or 'other'",
              "tools/t.yaml:6:11: homepage: String should match pattern '^https?://\\S+$'",
              "tools/t.yaml:8:14: status_year: Input should be greater than or equal to 1990"]),
    "quiz-answers": ("quizzes/q.yaml", """
        id: q
        kind: quiz
        title: {en: Q, zh: 测}
        summary: {en: S, zh: 摘}
        items:
          - id: q-one
            type: single
            concepts: [a]
            question: {en: Q?, zh: 问？}
            choices: [{en: x, zh: 甲}, {en: y, zh: 乙}]
            answer: 2
            explanation: {en: E, zh: 解}
          - id: q-two
            type: multiple
            concepts: [a]
            question: {en: Q?, zh: 问？}
            choices: [{en: x, zh: 甲}, {en: y, zh: 乙}]
            answers: [0, 0]
            explanation: {en: E, zh: 解}
          - id: q-three
            type: true_false
            concepts: [a]
            question: {en: Q?, zh: 问？}
            answer: maybe
            explanation: {en: E, zh: 解}
          - id: q-four
            type: essay
            concepts: [a]
            question: {en: Q?, zh: 问？}
            explanation: {en: E, zh: 解}
          - id: q-five
            type: numeric
            concepts: [a]
            question: {en: Q?, zh: 问？}
            answer: 0.5
            explanation: {en: E, zh: 解}
          - id: q-six
            type: short
            concepts: [a]
            question: {en: Q?, zh: 问？}
            accepted: {en: [], zh: []}
            explanation: {en: E, zh: 解}
          - id: q-seven
            concepts: [a]
            question: {en: Q?, zh: 问？}
            explanation: {en: E, zh: 解}
          - id: q-eight
            type: multiple
            concepts: [a]
            question: {en: Q?, zh: 问？}
            choices: [{en: x, zh: 甲}, {en: y, zh: 乙}]
            answers: [1, 5]
            explanation: {en: E, zh: 解}
        """, ["quizzes/q.yaml:11:13: items[0].answer: answer 2 is not a choice index (0..1)",
              "quizzes/q.yaml:18:14: items[1].answers: answers repeat an index",
              "quizzes/q.yaml:24:13: items[2].answer: Input should be a valid boolean, unable to interpret input",
              "quizzes/q.yaml:27:11: items[3].type: unknown value 'essay'; expected one of "
              "'single', 'multiple', 'true_false', 'numeric', 'short'",
              "quizzes/q.yaml:31:5: items[4].tolerance: required field is missing",
              "quizzes/q.yaml:41:15: items[5].accepted: needs at least one accepted answer",
              "quizzes/q.yaml:43:5: items[6].type: required field is missing",
              "quizzes/q.yaml:52:14: items[7].answers: answers [5] are not choice indexes (0..1)"]),
    "quiz-error-inside-item": ("quizzes/q.yaml", """
        id: q
        kind: quiz
        title: {en: Q, zh: 测}
        summary: {en: S, zh: 摘}
        items:
          - id: q-one
            type: true_false
            concepts: [a]
            question: {en: Q?, zh: 问？}
            answer: false
            explanation: {en: Its range is (0, 1)., zh: 值域}
        """, ["quizzes/q.yaml:11:40: items[0].explanation.1).: unknown field (check its spelling; see `kb schema`)"]),
}


@pytest.mark.parametrize("case", GOLDEN, ids=list(GOLDEN))
def test_golden_problem(tmp_path, case):
    rel, text, expected = GOLDEN[case]
    assert problems_of(tmp_path, rel, text) == expected


def test_problem_format_and_json_shape():
    from kb.loader import Problem

    p = Problem("a.yaml", 3, 7, "title.en", "bad", "warning")
    assert str(p) == "a.yaml:3:7: title.en: bad"
    assert p.to_dict() == {"path": "a.yaml", "line": 3, "col": 7, "field": "title.en",
                           "message": "bad", "severity": "warning"}


def test_a_valid_file_has_no_problems_and_records_marks(tmp_path, write, concept):
    path = write(tmp_path, "concepts/relu.yaml", concept("relu", extra="related: [a, b]\n"))
    loaded = load_file(path, "concepts/relu.yaml")
    assert loaded.problems == [] and loaded.entry is not None
    assert loaded.entry.id == "relu" and loaded.entry.related == ["a", "b"]
    assert loaded.marks[("related", 1)] == (5, 14)
    assert len(loaded.sha256) == 64


def test_byte_order_mark_is_accepted(tmp_path, write, concept):
    path = write(tmp_path, "concepts/a.yaml", b"\xef\xbb\xbf" + concept("a").encode())
    assert load_file(path).problems == []


def test_file_name_must_match_id_is_a_warning(tmp_path, write, concept):
    path = write(tmp_path, "concepts/b.yaml", concept("a"))
    loaded = load_file(path, "concepts/b.yaml")
    assert loaded.entry is not None
    assert [(str(p), p.severity) for p in loaded.problems] == [
        ("concepts/b.yaml:1:5: id: file name 'b' does not match id 'a'", "warning")]


def test_one_language_is_a_warning_not_an_error(tmp_path, write):
    write(tmp_path, "concepts/a.yaml", "id: a\nkind: concept\ntitle: {en: T}\nsummary: {zh: 摘要}\n")
    content = load_roots([tmp_path])
    assert "a" in content.entries
    assert [(str(p), p.severity) for p in content.problems] == [
        (f"{tmp_path}/concepts/a.yaml:3:8: title: no zh text", "warning"),
        (f"{tmp_path}/concepts/a.yaml:4:10: summary: no en text", "warning")]
    assert errors(content) == [] and len(content.problems) == 2


def test_oversized_file_is_refused_without_reading_it(tmp_path, monkeypatch, write):
    path = write(tmp_path, "concepts/big.yaml", b"id: big\n" + b"# padding\n" * (MAX_BYTES // 10 + 1))
    size = path.stat().st_size
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("an oversized file was read"))
    loaded = load_file(path, "concepts/big.yaml")
    assert [str(p) for p in loaded.problems] == [
        f"concepts/big.yaml:1:1: -: file is {size} bytes; the limit is {MAX_BYTES} (1 MiB)"]


def test_oversized_bytes_given_directly_are_refused(tmp_path):
    raw = b"x" * (MAX_BYTES + 1)
    loaded = load_file(tmp_path / "concepts/x.yaml", "x.yaml", raw=raw)
    assert [str(p) for p in loaded.problems] == [f"x.yaml:1:1: -: file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES} (1 MiB)"]


def test_a_file_exactly_at_the_limit_is_parsed(tmp_path, concept):
    text = concept("a").encode()
    raw = text + b"#" * (MAX_BYTES - len(text))
    assert len(raw) == MAX_BYTES
    assert load_file(tmp_path / "concepts/a.yaml", "a.yaml", raw=raw).problems == []


def test_unreadable_file_is_a_problem(tmp_path):
    (tmp_path / "concepts" / "dir.yaml").mkdir(parents=True)
    loaded = load_file(tmp_path / "concepts" / "dir.yaml", "concepts/dir.yaml")
    assert [str(p) for p in loaded.problems] == ["concepts/dir.yaml:1:1: -: cannot read file: Is a directory"]


def test_nothing_in_a_content_file_executes(tmp_path):
    marker = tmp_path / "pwned"
    text = f"id: !!python/object/apply:os.system ['touch {marker}']\n"
    text += f"kind: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n"
    assert problems_of(tmp_path, "concepts/a.yaml", text)
    assert not marker.exists()


def _run_isolated(code: str) -> dict:
    """Run loader code in a child interpreter (a crash or a hang must not take the test
    run with it) and return what it printed as JSON."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"the loader crashed (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout)


def test_billion_laughs_is_refused_quickly_with_bounded_memory():
    out = _run_isolated('''
        import json, tracemalloc
        from kb.loader import load_file
        from pathlib import Path
        lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(1, 10):
            prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
            lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        raw = ("\\n".join(lines) + "\\n").encode()
        tracemalloc.start()
        loaded = load_file(Path("concepts/lol.yaml"), "lol.yaml", raw=raw)
        peak = tracemalloc.get_traced_memory()[1]
        print(json.dumps({"problems": [str(p) for p in loaded.problems], "peak": peak}))
    ''')
    assert out["problems"] == ["lol.yaml:1:4: -: YAML anchor '&a' is not allowed in content"]
    assert out["peak"] < 5 * 2**20  # expanded, the document would hold 10⁹ strings


@pytest.mark.parametrize("shape", ["flow-sequence", "flow-mapping", "compact-sequence", "explicit-keys"])
def test_deep_nesting_is_refused_not_crashed(shape):
    """libyaml composes recursively in C (a segfault near 30,000 levels) and scans deep
    flow collections in quadratic time (minutes for a 400 KB file): both are stopped."""
    make = {
        "flow-sequence": "b'a: ' + b'[' * n + b']' * n",
        "flow-mapping": "b'a: ' + b'{a: ' * n + b'1' + b'}' * n",
        "compact-sequence": "b'a:\\n' + b'- ' * n + b'x\\n'",
        "explicit-keys": "b'a:\\n' + b'? ' * n + b'x\\n'",
    }[shape]
    out = _run_isolated(f'''
        import json
        from kb.loader import parse_yaml
        messages = []
        for n in ({MAX_DEPTH + 1}, 3_000, 300_000):
            raw = {make}
            data, marks, problems = parse_yaml(raw[:{MAX_BYTES}], "deep.yaml")
            messages.append([p.message for p in problems])
        print(json.dumps(messages))
    ''')
    assert out == [[f"nested more than {MAX_DEPTH} levels deep; content never needs that"]] * 3


def test_deep_block_nesting_by_indentation_is_refused():
    lines = ["a:"] + [" " * (i + 1) + "b:" for i in range(MAX_DEPTH + 5)] + [" " * (MAX_DEPTH + 7) + "c"]
    _, _, problems = parse_yaml(("\n".join(lines) + "\n").encode(), "deep.yaml")
    assert [(p.line, p.message) for p in problems] == [
        (MAX_DEPTH + 2, f"nested more than {MAX_DEPTH} levels deep; content never needs that")]


def test_nesting_up_to_the_limit_is_fine():
    n = MAX_DEPTH - 1
    data, _, problems = parse_yaml(b"a: " + b"[" * n + b"1" + b"]" * n + b"\n", "ok.yaml")
    assert problems == [] and data["a"] is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!?#'\"\n |>%@`,\t 中")), max_size=300))
def test_any_bytes_give_problems_never_an_exception(raw):
    if isinstance(raw, str):
        raw = raw.encode()
    loaded = load_file(Path("concepts/x.yaml"), "x.yaml", raw=raw)
    assert loaded.entry is None or loaded.entry.id
    for p in loaded.problems:
        assert p.line >= 1 and p.col >= 1 and str(p).startswith("x.yaml:")


# --- across files ---------------------------------------------------------------------


def test_one_bad_file_never_stops_the_others(tmp_path, monkeypatch, write, concept):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "kb"
    write(root, "concepts/good-one.yaml", concept("good-one"))
    write(root, "concepts/broken.yaml", "id: [\n")
    write(root, "concepts/binary.yaml", b"\x00\xff\xfe")
    write(root, "concepts/anchors.yaml", "a: &x 1\nb: *x\n")
    write(root, "concepts/deep.yaml", "a: " + "[" * 5000 + "]" * 5000)
    write(root, "faqs/good-two.yaml", "id: good-two\nkind: faq\nquestion: {en: Q?, zh: 问？}\nanswer: {en: A., zh: 答。}\n")
    write(root, "tools/bad-tool.yaml", "id: bad-tool\nkind: tool\n" + OK_TEXTS)
    write(root, "notes.txt", "ignored")
    write(root, "concepts/readme.md", "ignored")
    content = load_roots([root])
    assert set(content.entries) == {"good-one", "good-two"}
    assert content.files == 7
    bad = {p.path for p in errors(content)}
    assert bad == {f"kb/concepts/{n}.yaml" for n in ("broken", "binary", "anchors", "deep")} | {"kb/tools/bad-tool.yaml"}


def test_duplicate_ids_name_both_files(tmp_path, monkeypatch, write, concept):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "one/concepts/relu.yaml", concept("relu"))
    write(tmp_path, "two/concepts/relu.yaml", "# the same id again\n" + concept("relu", en="Other"))
    content = load_roots([tmp_path / "one", tmp_path / "two"])
    assert [str(p) for p in content.problems] == [
        "two/concepts/relu.yaml:2:5: id: duplicate id 'relu': already defined at one/concepts/relu.yaml:1:5"]
    assert content.sources["relu"] == "one/concepts/relu.yaml"
    assert content.entries["relu"].title.en != "Other"  # the earlier root wins


def test_duplicate_id_across_kinds_in_one_root(tmp_path, monkeypatch, write, concept):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "kb/concepts/adam.yaml", concept("adam"))
    write(tmp_path, "kb/tools/adam.yaml", "id: adam\nkind: tool\n" + OK_TEXTS +
          "category: library\nhomepage: https://example.org\nstatus: active\nstatus_year: 2024\n")
    content = load_roots([tmp_path / "kb"])
    assert [str(p) for p in content.problems] == [
        "kb/tools/adam.yaml:1:5: id: duplicate id 'adam': already defined at kb/concepts/adam.yaml:1:5"]


def test_duplicate_quiz_item_ids(tmp_path, monkeypatch, write, concept):
    monkeypatch.chdir(tmp_path)
    item = ("  - id: same\n    type: true_false\n    concepts: [a]\n    question: {en: Q, zh: 问}\n"
            "    answer: true\n    explanation: {en: E, zh: 解}\n")
    write(tmp_path, "kb/concepts/a.yaml", concept("a"))
    write(tmp_path, "kb/quizzes/q1.yaml", "id: q1\nkind: quiz\n" + OK_TEXTS + "items:\n" + item)
    write(tmp_path, "kb/quizzes/q2.yaml", "id: q2\nkind: quiz\n" + OK_TEXTS + "items:\n" + item)
    content = load_roots([tmp_path / "kb"])
    assert [str(p) for p in content.problems] == [
        "kb/quizzes/q2.yaml:6:9: id: duplicate quiz item id 'same': already defined at kb/quizzes/q1.yaml:6:9"]


def test_dangling_links_are_warnings(tmp_path, monkeypatch, write, concept):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "kb/concepts/a.yaml", concept("a", extra="related: [b, nowhere]\nprerequisites: [gone]\n"))
    write(tmp_path, "kb/concepts/b.yaml", concept("b"))
    content = load_roots([tmp_path / "kb"])
    assert [(str(p), p.severity) for p in content.problems] == [
        ("kb/concepts/a.yaml:5:14: related: 'nowhere' is not the id of any entry", "warning"),
        ("kb/concepts/a.yaml:6:17: prerequisites: 'gone' is not the id of any entry", "warning")]
    assert errors(content) == []
    assert len(content.problems) == 2


def test_links_from_every_kind_are_checked(pack, monkeypatch):
    monkeypatch.chdir(pack)
    (pack / "concepts" / "relu.yaml").unlink()
    (pack / "tools" / "pytorch.yaml").unlink()
    (pack / "concepts" / "self-attention.yaml").unlink()
    content = load_roots([pack])
    dangling = sorted((p.path, p.field, p.message.split("'")[1]) for p in content.problems if "not the id" in p.message)
    assert dangling == [
        ("applications/machine-translation.yaml", "concepts", "self-attention"),
        ("concepts/activation-function.yaml", "related", "relu"),
        ("concepts/fine-tuning.yaml", "related", "self-attention"),
        ("concepts/gelu.yaml", "related", "relu"),
        ("concepts/kv-cache.yaml", "related", "self-attention"),
        ("concepts/sigmoid.yaml", "related", "relu"),
        ("faqs/which-activation.yaml", "related", "relu"),
        ("paths/activations-path.yaml", "steps", "relu"),
        ("quizzes/activations.yaml", "items", "relu"),
        ("tools/theano.yaml", "successor", "pytorch"),
    ]


def test_the_fixture_pack_is_clean(pack):
    content = load_roots([pack])
    assert errors(content) == []
    assert len(content.entries) == 17
    assert {p.message for p in content.problems} == {"no zh text", "no en text"}  # gelu, kv-cache


def test_a_missing_root_is_a_problem_and_the_others_load(tmp_path, pack):
    content = load_roots([tmp_path / "nope", pack])
    assert len(content.entries) == 17
    assert [p.message for p in errors(content)] == ["content directory does not exist or is not a directory"]


# --- exercise folders ---------------------------------------------------------------------

EXERCISE_YAML = """\
id: double
kind: exercise
title: {en: "Double", zh: "加倍"}
summary: {en: "Double an array.", zh: "把数组加倍。"}
concepts: [relu]
difficulty: 1
hints: [{en: "Multiply by 2.", zh: "乘以 2。"}]
functions: [{name: double, signature: "double(x) -> ndarray"}]
checks:
  - kind: value
    call: double
    cases: [{args: [{value: [1.0, 2.0]}]}]
"""
STARTER = "def double(x):\n    raise NotImplementedError\n"
SOLUTION = "def double(x):\n    # 乘以 2\n    return 2.0 * x\n"


def exercise_folder(root: Path, ident: str = "double", *, mutants: int = 3, **files: str | bytes | None) -> Path:
    """``<root>/exercises/<ident>/`` with exercise.yaml, starter.py, solution.py and
    ``mutants`` wrong solutions; ``files`` overrides (None: leave the file out)."""
    folder = root / "exercises" / ident
    (folder / "mutants").mkdir(parents=True)
    parts = {"exercise.yaml": EXERCISE_YAML, "starter.py": STARTER, "solution.py": SOLUTION}
    parts.update({k.replace("_", "."): v for k, v in files.items()})
    for name, text in parts.items():
        if text is not None:
            data = text if isinstance(text, bytes) else text.encode()
            (folder / name).write_bytes(data)
    for i in range(mutants):
        (folder / "mutants" / f"m{i}.py").write_text(f"# Mistake: {i}.\n# expect: x\ndef double(x):\n    return {i} * x\n")
    return folder


def test_an_exercise_folder_reads_its_code_from_the_py_files(tmp_path):
    folder = exercise_folder(tmp_path)
    loaded = load_file(folder / "exercise.yaml", "exercises/double/exercise.yaml")
    assert loaded.problems == []
    assert loaded.entry.starter == STARTER and loaded.entry.solution == SOLUTION
    assert loaded.entry.id == "double" and loaded.entry.kind == "exercise"


def test_a_missing_or_undecodable_code_file_points_at_the_py_file(tmp_path):
    folder = exercise_folder(tmp_path, starter_py=None, solution_py=b"def double(x):\n    ret\xffurn x\n")
    loaded = load_file(folder / "exercise.yaml", "ex/double/exercise.yaml")
    assert loaded.entry is None
    assert [str(p) for p in loaded.problems] == [
        "ex/double/solution.py:2:8: solution: not valid UTF-8 (byte 0xff)",
        "ex/double/starter.py:1:1: starter: missing file: an exercise folder needs starter.py",
    ]


def test_code_that_does_not_parse_is_reported_in_its_own_file(tmp_path):
    folder = exercise_folder(tmp_path, solution_py="def double(x):\n    return 2 *\n")
    loaded = load_file(folder / "exercise.yaml", "double/exercise.yaml")
    assert loaded.entry is None
    assert [str(p) for p in loaded.problems] == [
        "double/solution.py:2:1: solution: solution does not parse: line 2: invalid syntax"]


def test_code_inline_in_a_folder_is_refused_at_its_key(tmp_path):
    folder = exercise_folder(tmp_path, exercise_yaml=EXERCISE_YAML + "starter: |\n  def double(x):\n    pass\n")
    loaded = load_file(folder / "exercise.yaml", "e.yaml")
    assert loaded.entry is None
    assert [str(p) for p in loaded.problems] == [
        "e.yaml:13:1: starter: in an exercise folder the starter lives in starter.py; remove it from exercise.yaml"]


def test_fewer_than_three_mutants_is_a_warning(tmp_path):
    folder = exercise_folder(tmp_path, mutants=2)
    loaded = load_file(folder / "exercise.yaml", "x/double/exercise.yaml")
    assert loaded.entry is not None
    assert [(str(p), p.severity) for p in loaded.problems] == [(
        "x/double/mutants:1:1: mutants: 2 mutant(s); an exercise ships at least 3 plausible wrong "
        "solutions (mutants/*.py) that its checks reject", "warning")]


def test_the_folder_name_must_match_the_id(tmp_path):
    folder = exercise_folder(tmp_path, "triple")
    loaded = load_file(folder / "exercise.yaml", "e.yaml")
    assert [str(p) for p in loaded.problems] == ["e.yaml:1:5: id: folder name 'triple' does not match id 'double'"]


def test_folders_and_single_files_load_side_by_side(tmp_path, monkeypatch, write, concept):
    """A pack may keep the old single-file form (``exercises/<id>.yaml`` with the code
    inline) next to folders; a folder without exercise.yaml is a problem, not a crash."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "pack"
    write(root, "concepts/relu.yaml", concept("relu"))
    exercise_folder(root)
    single = EXERCISE_YAML.replace("id: double", "id: halve").replace("2 ", "0.5 ")
    single += "starter: |\n  def double(x):\n      raise NotImplementedError\n"
    single += "solution: |\n  def double(x):\n      return 0.5 * x\n"
    write(root, "exercises/halve.yaml", single)
    (root / "exercises" / "empty").mkdir()
    content = load_roots([root])
    assert set(content.entries) == {"relu", "double", "halve"}
    assert content.entries["halve"].solution == "def double(x):\n    return 0.5 * x\n"
    assert content.entries["double"].solution == SOLUTION
    assert content.sources["double"] == "pack/exercises/double/exercise.yaml"
    assert [str(p) for p in errors(content)] == [
        "pack/exercises/empty/exercise.yaml:1:1: -: an exercise folder needs exercise.yaml "
        "(beside starter.py, solution.py and mutants/)"]


def test_the_index_sees_an_edit_to_an_exercise_s_code(tmp_path, shipped):
    from kb.catalog import Catalog

    exercise_folder(shipped)
    cat = Catalog.open()
    try:
        assert cat.get("double").solution == SOLUTION
        solution = shipped / "exercises" / "double" / "solution.py"
        solution.write_text("def double(x):\n    return x + x\n")
        st = solution.stat()
        os.utime(solution, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # a coarse clock
        assert cat.refresh().changed_ids == {"double"}
        assert cat.get("double").solution == "def double(x):\n    return x + x\n"
    finally:
        cat.close()


def test_every_shipped_exercise_is_a_folder():
    shipped = Path(__file__).resolve().parents[2] / "content" / "exercises"
    assert not list(shipped.glob("*.yaml")), "shipped exercises are folders: <id>/exercise.yaml"
    for folder in shipped.iterdir():
        assert {"exercise.yaml", "starter.py", "solution.py", "mutants"} <= {p.name for p in folder.iterdir()}, folder
