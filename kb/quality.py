"""Quality bars for the shipped knowledge base, enforced by ``kb validate --strict``.

These are curriculum rules, not syntax: every concept is taught somewhere (a path), tested
(two quiz items or more) and, where it has an exercise, linked both ways; exercises give
three hint tiers; titles use the glossary's Chinese terms; paths put prerequisites first. The Chinese
speaks with one voice: no competing forms of a glossary term (:data:`COMPETING`) and one
spacing rule between Chinese and Latin text (:func:`spacing_issues`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
import re

from pydantic import BaseModel

from kb.content import ContentSet
from kb.loader import TAGS_FILE, Problem, mark_for
from kb.schema import AcceptedAnswers, Concept, Exercise, LearningPath, Quiz, Text, Tool

MIN_ITEMS_PER_CONCEPT = 2
HINT_TIERS = 3

# English term → accepted Chinese renderings (CONTENT_GUIDE.md glossary, d2l-zh usage).
# Checked on titles, where a term is named rather than paraphrased or quoted in a formula.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "deep learning": ("深度学习",), "machine learning": ("机器学习",),
    "neural network": ("神经网络",), "multilayer perceptron": ("多层感知机",),
    "activation function": ("激活函数",), "loss function": ("损失函数",),
    "mean squared error": ("均方误差",), "cross-entropy": ("交叉熵",),
    "one-hot": ("独热",), "gradient descent": ("梯度下降",), "minibatch": ("小批量",),
    "learning rate": ("学习率",), "batch size": ("批量大小",),
    "backpropagation": ("反向传播",), "forward propagation": ("前向传播",),
    "computational graph": ("计算图",), "automatic differentiation": ("自动微分",),
    "chain rule": ("链式法则",), "hyperparameter": ("超参数",),
    "fully connected": ("全连接",), "hidden layer": ("隐藏层",),
    "overfitting": ("过拟合",), "underfitting": ("欠拟合",), "generalization": ("泛化",),
    "cross-validation": ("交叉验证",), "regularization": ("正则化",),
    "weight decay": ("权重衰减",), "dropout": ("暂退法", "Dropout"), "early stopping": ("早停",),
    "batch normalization": ("批量规范化",), "layer normalization": ("层规范化",),
    "vanishing": ("梯度消失", "消失"), "exploding": ("梯度爆炸", "爆炸"),
    "gradient clipping": ("梯度裁剪",), "momentum": ("动量",), "optimizer": ("优化器",),
    "accuracy": ("准确率",), "precision": ("精确率",), "recall": ("召回率",),
    "confusion matrix": ("混淆矩阵",), "attention": ("注意力",), "self-attention": ("自注意力",),
    "multi-head": ("多头",), "positional encoding": ("位置编码",), "encoder": ("编码器",),
    "decoder": ("解码器",), "tokenization": ("词元化",), "embedding": ("嵌入",),
    "language model": ("语言模型",), "perplexity": ("困惑度",), "pre-training": ("预训练",),
    "fine-tuning": ("微调",), "transfer learning": ("迁移学习",),
    "prompt engineering": ("提示工程",), "in-context learning": ("上下文学习",),
    "chain-of-thought": ("思维链",), "object detection": ("目标检测",),
    "sentiment analysis": ("情感分析",), "machine translation": ("机器翻译",),
    "speech recognition": ("语音识别",),
    "base model": ("基座模型",), "foundation model": ("基础模型",), "pooling": ("汇聚",),
    "full fine-tuning": ("全量微调",), "parameter-efficient": ("参数高效",),
    "gpu memory": ("显存",), "mixed precision": ("混合精度",),
    "reinforcement learning": ("强化学习",), "reward model": ("奖励模型",),
    "policy gradient": ("策略梯度",), "mixture of experts": ("混合专家", "MoE"),
    "quantization": ("量化",), "kv cache": ("KV 缓存",), "speculative decoding": ("推测解码",),
    "diffusion model": ("扩散模型",), "contrastive learning": ("对比学习",),
    "retrieval-augmented": ("检索增强",),
}

# Phrases in which a glossary word means something else: "mixed precision" is about number
# formats, not the metric precision (精确率). They are blanked before the title check.
NOT_THE_TERM: tuple[str, ...] = (
    "mixed precision", "mixed-precision", "half precision", "half-precision", "single precision",
    "single-precision", "double precision", "double-precision", "full precision", "full-precision",
    "low precision", "low-precision", "lower precision", "reduced precision", "numerical precision",
    "floating-point precision", "precision format", "arbitrary precision",
)


def _title_terms(en: str) -> set[str]:
    """Glossary terms an English title names (whole words, outside NOT_THE_TERM)."""
    for phrase in NOT_THE_TERM:
        en = en.replace(phrase, " ")
    return {term for term in GLOSSARY if re.search(rf"(?<![a-z]){re.escape(term)}", en)}


# Competing Chinese forms of a glossary term: (pattern, the glossary's form, when allowed).
# ``allowed(en, zh, match)`` says when a form is right after all (基础模型 is the glossary's
# word for *foundation model*; 池化 may be quoted as the older name of 汇聚).
def _foundation(en: str, zh: str, m: re.Match) -> bool:
    return "foundation" in en.lower()


def _quoted(en: str, zh: str, m: re.Match) -> bool:
    return m.start() > 0 and zh[m.start() - 1] in "“「『‘"


COMPETING: tuple[tuple[str, str, str, Callable[[str, str, re.Match[str]], bool] | None], ...] = (
    (r"基础模型", "基座模型", "base model", _foundation),
    (r"样例", "样本", "example / sample", None),
    (r"池化", "汇聚", "pooling", _quoted),
    (r"全参数?微调", "全量微调", "full fine-tuning", None),
    (r"GPU\s*内存|显卡内存", "显存", "GPU memory", None),
)


def quality_problems(content: ContentSet, *, year: int | None = None) -> list[Problem]:
    """Every quality problem; ``year`` is the current year for the dating lints (the clock
    when not given, so tests can pin it)."""
    entries = content.entries
    out: list[Problem] = []
    out += dating_problems(content, datetime.now().year if year is None else year)
    out += formula_problems(content)
    out += tag_problems(content)
    concepts = {i: e for i, e in entries.items() if isinstance(e, Concept)}

    items_per_concept: dict[str, int] = defaultdict(int)
    for quiz in (e for e in entries.values() if isinstance(e, Quiz)):
        for item in quiz.items:
            for c in item.concepts:
                items_per_concept[c] += 1
    in_paths: set[str] = set()
    for path in (e for e in entries.values() if isinstance(e, LearningPath)):
        in_paths.update(step.ref for step in path.steps)
        out += _path_order(content, path)

    for ident, concept in concepts.items():
        n = items_per_concept.get(ident, 0)
        if n < MIN_ITEMS_PER_CONCEPT:
            out.append(content.problem(ident, ("id",), "id",
                                       f"concept has {n} quiz item(s); at least {MIN_ITEMS_PER_CONCEPT} test it"))
        if ident not in in_paths:
            out.append(content.problem(ident, ("id",), "id", "concept is not a step of any learning path"))

    for ident, ex in entries.items():
        if not isinstance(ex, Exercise):
            continue
        if len(ex.hints) != HINT_TIERS:
            out.append(content.problem(ident, ("hints",), "hints",
                                       f"{len(ex.hints)} hint tiers; exercises have {HINT_TIERS} (idea, NumPy tool, partial line)"))
        for i, c in enumerate(ex.concepts):
            target = concepts.get(c)
            if target is not None and ident not in target.related:
                out.append(content.problem(c, ("related",), "related",
                                           f"concept does not link back to its exercise '{ident}' (add it to related)"))

    for ident, entry in entries.items():
        for fld in ("title",):
            text = getattr(entry, fld)
            en, zh = (text.en or "").lower(), text.zh or ""
            if not en or not zh:
                continue
            for term in sorted(_title_terms(en)):
                renderings = GLOSSARY[term]
                if not any(r in zh for r in renderings):
                    out.append(content.problem(ident, (fld, "zh"), f"{fld}.zh",
                                               f"English says '{term}'; the Chinese should use the glossary term "
                                               f"{' / '.join(renderings)}"))

    sources = _Sources(content)
    for ident, entry in entries.items():
        marks = content.marks.get(ident, {})
        for loc, text, accepted in _zh_texts(entry):
            if loc not in marks:
                continue  # derived from another field (an FAQ's summary is its answer's start)
            dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
            if not accepted:
                for start, message in term_issues(text, en=_en_of(entry, loc)):
                    line, col = sources.locate(ident, loc, text, start)
                    out.append(Problem(content.sources.get(ident, ident), line, col, dotted, message))
            for start, message in spacing_issues(text):
                line, col = sources.locate(ident, loc, text, start)
                out.append(Problem(content.sources.get(ident, ident), line, col, dotted, message))
    return out


# --- one voice in Chinese: terms and spacing -------------------------------------------

def term_issues(zh: str, en: str = "") -> list[tuple[int, str]]:
    """(offset, message) for each competing form of a glossary term in a Chinese text."""
    out: list[tuple[int, str]] = []
    masked = _mask(zh)
    for pattern, right, term, allowed in COMPETING:
        for m in re.finditer(pattern, masked):
            if allowed is not None and allowed(en, zh, m):
                continue
            out.append((m.start(), f"'{m.group(0)}': the glossary term for {term} is {right}"))
    return out


_HAN = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs, kana
_LATIN = "A-Za-z0-9"
_FULL_PUNCT = "，。、；：！？（）《》「」『』【】“”‘’"
_BLOCK_START = re.compile(r"^\s*([-*+]\s|\d+[.)]\s|#|>|\||```|~~~)")
_SPACING: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(rf"[{_HAN}](?=[{_LATIN}])|[{_LATIN}](?=[{_HAN}])"),
     "no space between Chinese and '{pair}': write a space between a Chinese character and a Latin letter or digit"),
    (re.compile(rf"[{_HAN}](?=`)|`(?=[{_HAN}])"),
     "no space between Chinese and a code span at '{pair}': write a space on both sides of `code`"),
    (re.compile(rf"[{_HAN}{_LATIN}`](?=[ \t]+[{_FULL_PUNCT}])|[{_FULL_PUNCT}](?=[ \t]+[{_HAN}{_LATIN}`])"),
     "space next to full-width punctuation at '{pair}': no space before or after ，。：（）and the like"),
)
# Hard-wrapped lines of a paragraph are joined without a space after a Chinese character
# (kb.render.unwrap), so a line break between Chinese and Latin text shows them glued.
_WRAP = re.compile(rf"[{_HAN}](?=[ \t]*\n[ \t]*[{_LATIN}])|[{_LATIN}](?=[ \t]*\n[ \t]*[{_HAN}])")


def _mask(zh: str) -> str:
    """The text with code (fenced blocks, `spans`), URLs and link targets blanked out to
    NUL characters of the same length, so that offsets still point into ``zh``."""
    def blank(m: re.Match) -> str:
        return "\0" * len(m.group(0))

    def blank_inside(m: re.Match) -> str:
        ticks = m.group(1)
        return ticks + "\0" * (len(m.group(0)) - 2 * len(ticks)) + ticks

    zh = re.sub(r"(?ms)^[ \t]*(```|~~~).*?(^[ \t]*\1[^\n]*$|\Z)", blank, zh)
    zh = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", blank_inside, zh, flags=re.S)
    zh = re.sub(r"https?://[^\s)>\]，。）]+", blank, zh)
    zh = re.sub(r"(?<=\])\([^)\s]*\)", blank, zh)
    return zh


def spacing_issues(zh: str) -> list[tuple[int, str]]:
    """(offset, message) for each break of the spacing rule in a Chinese text: one space
    between a Chinese character and a Latin letter, digit or code span; none next to
    full-width punctuation. Code, URLs and link targets are left alone."""
    masked = _mask(zh)
    out: list[tuple[int, str]] = []
    for pattern, message in _SPACING:
        for m in pattern.finditer(masked):
            pair = zh[m.start():m.start() + 2] if pattern is _SPACING[0][0] or pattern is _SPACING[1][0] \
                else zh[m.start():m.start() + 3].replace("\n", " ")
            out.append((m.start(), message.format(pair=pair.strip() if pattern is _SPACING[2][0] else pair)))
    lines = masked.split("\n")
    offset = 0
    for i, line in enumerate(lines[:-1]):
        nxt = lines[i + 1]
        start, end = offset, offset + len(line)
        offset = end + 1
        joined = (line.strip() and nxt.strip() and not _BLOCK_START.match(nxt)
                  and not nxt.startswith(("    ", "\t")) and not line.endswith("  ")
                  and not line.lstrip().startswith(("#", "|", "```", "~~~")))
        if joined:
            wrap = _WRAP.search(masked, start + len(line.rstrip(" \t")) - 1, offset + len(nxt))
            if wrap and wrap.start() < end:
                pair = zh[wrap.start()] + "⏎" + nxt.strip()[:1]
                out.append((wrap.start(), f"line break between Chinese and Latin text at '{pair}' shows them glued "
                                       "once the paragraph is joined: break the line elsewhere"))
    out.sort()
    return out


def _text_fields(entry: BaseModel, loc: tuple = ()):
    """(field path, Text or AcceptedAnswers) for every learner-facing text field: the one
    walk over an entry's models that the lints below read."""
    if isinstance(entry, (Text, AcceptedAnswers)):
        yield loc, entry
    elif isinstance(entry, BaseModel):
        for name in type(entry).model_fields:
            yield from _text_fields(getattr(entry, name), loc + (name,))
    elif isinstance(entry, list):
        for i, v in enumerate(entry):
            yield from _text_fields(v, loc + (i,))


def _zh_texts(entry: BaseModel):
    """(field path, Chinese text, is an accepted short answer) for every learner-facing text."""
    for loc, value in _text_fields(entry):
        if isinstance(value, Text):
            if value.zh:
                yield loc + ("zh",), value.zh, False
        else:
            for i, a in enumerate(value.zh):
                yield loc + ("zh", i), a, True


def _en_of(entry: BaseModel, loc: tuple) -> str:
    """The English side of the text at ``loc`` (which ends in "zh")."""
    value: Any = entry  # a model, a list or a dict, by the shape of ``loc``
    for part in loc[:-1]:
        value = value[part] if isinstance(part, int) else getattr(value, part, None)
    return (value.en or "") if isinstance(value, Text) else ""


class _Sources:
    """Pin a problem in a text to the file line and column it came from: the text's node,
    then the first place after it where the characters around the problem occur."""

    def __init__(self, content: ContentSet):
        self.content = content
        self.files: dict[str, str | None] = {}

    def _raw(self, ident: str) -> str | None:
        path = self.content.sources.get(ident)
        if path is None:
            return None
        if path not in self.files:
            try:
                self.files[path] = Path(path).read_text(encoding="utf-8")
            except OSError:
                self.files[path] = None
        return self.files[path]

    def locate(self, ident: str, loc: tuple, text: str, start: int) -> tuple[int, int]:
        marks = self.content.marks.get(ident, {})
        line, col = mark_for(loc, marks)
        raw = self._raw(ident)
        if raw is None:
            return line, col
        starts = [0]
        for row in raw.split("\n"):
            starts.append(starts[-1] + len(row) + 1)

        def offset(mark) -> int:
            return starts[min(mark[0], len(starts) - 1) - 1] + mark[1] - 1

        base = offset((line, col))
        # the text's node ends where the next node of the entry starts
        later = [o for o in (offset(m) for m in marks.values()) if o > base]
        limit = min(later, default=len(raw))
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        for width in (12, 6, 3, 1):
            a, b = max(line_start, start - width), min(line_end, start + width + 1)
            snippet = text[a:b].strip(" ")
            if not snippet:
                continue
            a = text.find(snippet, a)
            hit = raw.find(snippet, base, limit)
            if hit >= 0:
                pos = hit + (start - a)
                row_no = raw.count("\n", 0, pos) + 1
                return row_no, pos - (raw.rfind("\n", 0, pos) + 1) + 1
        return line, col


def _path_order(content: ContentSet, path: LearningPath) -> list[Problem]:
    """A step's concept prerequisites that the same path teaches must come earlier."""
    out: list[Problem] = []
    position: dict[str, int] = {}
    for i, step in enumerate(path.steps):
        position.setdefault(step.ref, i)
    for i, step in enumerate(path.steps):
        target = content.entries.get(step.ref)
        if target is None:
            continue
        for pre in target.prerequisites:
            if pre in position and position[pre] > i:
                out.append(content.problem(path.id, ("steps", i, "ref"), f"steps[{i}].ref",
                                           f"'{step.ref}' comes before its prerequisite '{pre}' (step {position[pre] + 1})"))
    return out


# --- facts that age: a year on every status, re-checked each year ------------------------

MAX_AGE_YEARS = 1  # a status or "as of YEAR" older than this many years is stale
_AS_OF = re.compile(r"\b[Aa]s of (\d{4})\b|截至\s*(\d{4})\s*年")


def stale_phrases(text: str, year: int) -> list[tuple[int, str]]:
    """(offset, message) for each "as of YEAR" / "截至 YEAR 年" more than a year old."""
    out: list[tuple[int, str]] = []
    for m in _AS_OF.finditer(text):
        said = int(m.group(1) or m.group(2))
        if year - said > MAX_AGE_YEARS:
            out.append((m.start(), f"'{m.group(0)}' is {year - said} years old: re-check the claim and re-date it, "
                                   f"or keep the year as a dated fact ('in {said}, …' / '{said} 年时，…')"))
    return out


def dating_problems(content: ContentSet, year: int) -> list[Problem]:
    """Warnings (errors under --strict) for a tool status and "as of" phrases older than a year."""
    out: list[Problem] = []
    sources = _Sources(content)
    for ident, entry in content.entries.items():
        if isinstance(entry, Tool) and year - entry.status_year > MAX_AGE_YEARS:
            p = content.problem(ident, ("status_year",), "status_year",
                                f"status_year {entry.status_year} is {year - entry.status_year} years old: re-check the "
                                f"tool's status (maintained, archived, successor) and update it")
            out.append(Problem(p.path, p.line, p.col, p.field, p.message, "warning"))
        marks = content.marks.get(ident, {})
        for loc, text in _texts(entry):
            if loc not in marks:
                continue
            dotted = "".join(f"[{q}]" if isinstance(q, int) else f".{q}" for q in loc).lstrip(".")
            for start, message in stale_phrases(text, year):
                line, col = sources.locate(ident, loc, text, start)
                out.append(Problem(content.sources.get(ident, ident), line, col, dotted, message, "warning"))
    return out


def _texts(entry: BaseModel):
    """(field path, text) for every learner-facing text in either language."""
    for loc, value in _text_fields(entry):
        if isinstance(value, Text):
            for lang in ("en", "zh"):
                if getattr(value, lang):
                    yield loc + (lang,), getattr(value, lang)


# --- formulas are language-neutral ------------------------------------------------------

# Function and symbol names a formula may spell out (compared case-insensitively).
FORMULA_NAMES: frozenset[str] = frozenset(w.lower() for w in """
    softmax sigmoid tanh ReLU max min log exp mean sum argmax argmin Attention MultiHead Concat
    LayerNorm RMSNorm GELU SiLU SwiGLU RoPE FFN MLP TopK LoRA RMSE FLOPs Bernoulli clip clamp round
    diag softplus erf cos sin float inf const std var else sign norm
""".split())
_SUBSUP = "ᵢⱼₖₗₘₙₜₓᵀᴴᴺᵏⁱᵗ⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉′'"
# A word used as a name: a function or indexed name (f(, x[, h_i, headᵢ, pass@k), or part of
# an identifier (L_train, d_model, log₂).
_NAME = re.compile(rf"[A-Za-z][A-Za-z0-9]*(?=[_(\[@{_SUBSUP}])|(?<=[_0-9])[A-Za-z]+|[A-Za-z]+(?=[0-9])")
_PHRASE = re.compile(r"[A-Za-z]+(?:[ \t-]+[A-Za-z]+)+")


def formula_prose(expr: str) -> list[tuple[int, str]]:
    """(offset, word) for each English word of four letters or more that a formula uses as
    prose: inside a run of two or more words ("number of examples", "with a small learning
    rate"). A single word between symbols is a name (params = …, 16 bytes), and so are
    functions, indexed names and identifiers; FORMULA_NAMES and "quoted literals" pass."""
    masked = re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), expr)
    masked = _NAME.sub(lambda m: "#" * len(m.group(0)), masked)
    out: list[tuple[int, str]] = []
    for phrase in _PHRASE.finditer(masked):
        for w in re.finditer(r"[A-Za-z]+", phrase.group(0)):
            if len(w.group(0)) >= 4 and w.group(0).lower() not in FORMULA_NAMES:
                out.append((phrase.start() + w.start(), w.group(0)))
    return out


def formula_problems(content: ContentSet) -> list[Problem]:
    """A formula is shown as is on both screens: English prose in ``expr`` belongs in the
    bilingual ``name`` / ``note``."""
    out: list[Problem] = []
    for ident, entry in content.entries.items():
        if not isinstance(entry, Concept):
            continue
        for i, formula in enumerate(entry.formulas):
            words = [w for _, w in formula_prose(formula.expr)]
            if words:
                out.append(content.problem(ident, ("formulas", i, "expr"), f"formulas[{i}].expr",
                                           f"formula carries English prose ({', '.join(dict.fromkeys(words))}): "
                                           "use symbols and explain them in the bilingual note"))
    return out


# --- tags: one slug per idea, each labelled in both languages ----------------------------

# Words that add nothing to a tag's idea: "activation-functions" is "activation".
GENERIC_SUFFIXES: frozenset[str] = frozenset("""
    function functions model models method methods technique techniques algorithm algorithms
    concept concepts basics fundamentals overview intro introduction learning training tips topics
""".split())
MIN_ABBREVIATION = 5  # "backprop" for "backpropagation"; shorter prefixes are often other words


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _edits(a: str, b: str) -> int:
    """Edit distance with transpositions (optimal string alignment)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def tag_kinship(a: str, b: str) -> str:
    """Why two tags look like one idea under two names ("" when they do not)."""
    na, nb = (re.sub(r"[\s_]+", "-", t.strip().lower()) for t in (a, b))
    if na == nb or na.replace("-", "") == nb.replace("-", ""):
        return "the same words in another case or with other separators"
    pa, pb = ["-".join(_singular(w) for w in n.split("-")) for n in (na, nb)]
    if pa == pb or pa.replace("-", "") == pb.replace("-", ""):
        return "singular and plural of one word"
    short, long = sorted((na, nb), key=len)
    for stem in {short, _singular(short)}:
        if long.startswith(stem + "-") and long[len(stem) + 1:] in GENERIC_SUFFIXES:
            return f"the same with the generic word '{long[len(stem) + 1:]}' added"
    if len(short) >= MIN_ABBREVIATION and long.startswith(short) and long[len(short)] != "-":
        return f"'{short}' abbreviates '{long}'"
    shortest = min(len(na), len(nb))
    if shortest >= 5 and abs(len(na) - len(nb)) <= 2:  # 'rnn' and 'cnn' are different ideas
        d = _edits(na, nb)
        if d == 1 or (d == 2 and shortest >= 12):
            return f"{d} letter{'s' if d > 1 else ''} apart (a typo?)"
    return ""


def _label_key(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def tag_problems(content: ContentSet) -> list[Problem]:
    """Every tag an entry uses has a label in tags.yaml, in both languages, and no two tags
    name one idea (singular/plural, a generic suffix, an abbreviation, separators or case,
    a letter or two apart, or the same label)."""
    out: list[Problem] = []
    uses: dict[str, list[tuple[str, int]]] = defaultdict(list)  # slug → (entry id, position)
    for ident, entry in content.entries.items():
        for i, tag in enumerate(entry.tags):
            uses[tag].append((ident, i))
    registry = content.tags
    for tag, where in sorted(uses.items()):
        if tag in registry:
            continue
        near = [t for t in sorted(registry) if tag_kinship(tag, t)]
        hint = f" (or use '{near[0]}')" if near else ""
        for ident, i in where:
            out.append(content.problem(ident, ("tags", i), f"tags[{i}]",
                                       f"tag '{tag}' has no label: add it to {TAGS_FILE} as "
                                       f"'{tag}: {{en: ..., zh: ...}}'{hint}"))
    for slug, defined in sorted(registry.items()):
        for lang in defined.label.missing():
            out.append(Problem(defined.path, defined.line, defined.col, f"{slug}.{lang}",
                               f"tag '{slug}' has no {lang} label; every tag is labelled in English and Chinese"))
        zh = defined.label.zh or ""  # a label speaks with the same voice as the text
        for _, message in term_issues(zh, defined.label.en or "") + spacing_issues(zh):
            out.append(Problem(defined.path, defined.line, defined.col, f"{slug}.zh", message))

    def locate(tag: str) -> tuple[str, int, int]:
        if tag in registry:
            d = registry[tag]
            return d.path, d.line, d.col
        ident, i = uses[tag][0]
        p = content.problem(ident, ("tags", i), "", "")
        return p.path, p.line, p.col

    def used(tag: str) -> str:
        n = len(uses.get(tag, ()))
        return f"{n} entr{'y' if n == 1 else 'ies'}"

    def report(keep: str, drop: str, why: str) -> None:
        out.append(Problem(*locate(drop), drop,
                           f"tag '{drop}' ({used(drop)}) and '{keep}' ({used(keep)}) look like one idea: {why}; "
                           f"use one tag for one idea (merge them, or rename one)"))

    def pair(a: str, b: str) -> tuple[str, str]:
        """(the tag to keep, the one reported): the more used, then the shorter, stays."""
        keep, drop = sorted((a, b), key=lambda t: (-len(uses.get(t, ())), len(t), t))
        return keep, drop

    tags = sorted(set(uses) | set(registry))
    for i, a in enumerate(tags):
        for b in tags[i + 1:]:
            why = tag_kinship(a, b)
            if why:
                report(*pair(a, b), why)
    for lang in ("en", "zh"):
        by_label: dict[str, str] = {}
        for slug, defined in sorted(registry.items()):
            key = _label_key(getattr(defined.label, lang))
            if not key:
                continue
            other = by_label.setdefault(key, slug)
            if other != slug and not tag_kinship(other, slug):
                report(*pair(other, slug), f"both are labelled '{getattr(defined.label, lang)}' in {lang}")
    return out
