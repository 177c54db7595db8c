"""A synthetic bilingual knowledge base for the benchmarks.

``python bench/synth.py N DIR`` writes N entries (concepts, FAQs, tools, applications)
as YAML files in the layout of ``content/``. Texts are built from deep-learning words in
English and Chinese with a skewed (Zipf-like) frequency, at the sizes of the shipped
content: a title of a few words, a one-sentence summary, a body of two paragraphs, key
points, formulas and links. The same seed always gives the same knowledge base.

``entries(n)`` yields the same documents as dicts, for building an index without files.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

import yaml

EN_TERMS = """
activation function, gradient descent, backpropagation, loss function, learning rate,
overfitting, regularization, dropout, batch normalization, layer normalization,
attention mechanism, self-attention, transformer, embedding, tokenizer, fine-tuning,
pre-training, convolution, pooling, recurrent network, residual connection, optimizer,
momentum, weight decay, cross-entropy, softmax, sigmoid, ReLU, tanh, perceptron,
hidden layer, minibatch, epoch, validation set, test set, generalization, hyperparameter,
vanishing gradient, exploding gradient, gradient clipping, learning-rate schedule,
encoder, decoder, positional encoding, multi-head attention, language model, prompt,
scaling law, quantization, distillation, inference, beam search, temperature,
chain rule, computational graph, automatic differentiation, weight initialization,
early stopping, data augmentation, cross-validation, precision, recall, accuracy
""".replace("\n", " ").split(", ")
EN_TERMS = [t.strip() for t in EN_TERMS if t.strip()]
EN_WORDS = """
the a of to and in is that for it as with on by this are be from an at which or can
model network layer training data value input output weight parameter step each
every when then so more less small large deep neural function error signal update
compute result example sample batch feature vector matrix tensor shape size rate
because while during after before through between across into over under without
learns predicts reduces increases keeps makes gives uses needs changes moves shows
""".split()
ZH_TERMS = """
激活函数 梯度下降 反向传播 损失函数 学习率 过拟合 欠拟合 正则化 暂退法 批量规范化 层规范化
注意力机制 自注意力 多头注意力 嵌入 词元 微调 预训练 卷积 池化 循环神经网络 残差连接 优化器
动量法 权重衰减 交叉熵 梯度消失 梯度爆炸 梯度裁剪 编码器 解码器 位置编码 语言模型 提示词
缩放定律 量化 蒸馏 推理 束搜索 温度 链式法则 计算图 自动微分 权重初始化 早停 数据增强
交叉验证 精确率 召回率 准确率 感知机 隐藏层 小批量 迭代周期 验证集 测试集 泛化 超参数
""".split()
ZH_WORDS = """
模型 网络 训练 数据 参数 输入 输出 权重 每一步 更新 计算 结果 样本 特征 向量 矩阵 张量 形状
因为 所以 如果 那么 可以 需要 使用 通过 得到 减小 增加 保持 变化 表示 学习 预测 误差 信号
的 了 在 是 和 与 把 被 让 对 从 到 中 上 下 时 后 前 一个 这个 每个 更 很 较
""".split()
KINDS = [("concept", 0.70), ("faq", 0.15), ("tool", 0.07), ("application", 0.08)]
FOLDERS = {"concept": "concepts", "faq": "faqs", "tool": "tools", "application": "applications"}
SLUG_WORDS = [w for w in "alpha beta gamma delta sigma omega tensor layer grad loss norm attn conv pool token embed tune scale".split()]

# A large knowledge base covers far more topics than the fundamentals: besides the
# real terms, invented ones (method and model names) make up a long tail, so that a
# common term such as "gradient" is in about half the entries and a rarer one in a few
# percent, as in the shipped content.
_SYL = "ka lo mi ren tor vex zan qui dor pel sha nu bri cor fen gal hob jin lux mor".split()
_ZH_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏"


def _tail(rng: random.Random, n: int) -> tuple[list[str], list[str]]:
    en = [f"{rng.choice(_SYL)}{rng.choice(_SYL)}{rng.choice(_SYL)} {rng.choice(['net', 'method', 'loss', 'layer', 'trick'])}"
          for _ in range(n)]
    zh = ["".join(rng.choice(_ZH_CHARS) for _ in range(rng.randint(2, 4))) + rng.choice(["网络", "方法", "层", "技巧"])
          for _ in range(n)]
    return en, zh


_tail_en, _tail_zh = _tail(random.Random(12345), 1500)
VOCAB_EN = EN_TERMS + _tail_en
VOCAB_ZH = ZH_TERMS + _tail_zh
TOPIC_SIZE = 5

_CUM: dict[int, list[float]] = {}


def _zipf(rng: random.Random, items: list[str]) -> str:
    """A skewed pick (Zipf, s = 1): the first items are common, the last ones rare."""
    cum = _CUM.get(len(items))
    if cum is None:
        cum = _CUM[len(items)] = list(itertools.accumulate(1 / (r + 1) for r in range(len(items))))
    return rng.choices(items, cum_weights=cum)[0]


def _en_sentence(rng: random.Random, words: int, topic: list[str]) -> str:
    out = []
    for _ in range(words):
        out.append(rng.choice(topic) if rng.random() < 0.12 else rng.choice(EN_WORDS))
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def _zh_sentence(rng: random.Random, chars: int, topic: list[str]) -> str:
    out = ""
    while len(out) < chars:
        out += rng.choice(topic) if rng.random() < 0.2 else rng.choice(ZH_WORDS)
    return out + "。"


def _para(rng: random.Random, lang: str, sentences: int, topic: dict[str, list[str]]) -> str:
    if lang == "en":
        return " ".join(_en_sentence(rng, rng.randint(10, 22), topic["en"]) for _ in range(sentences))
    return "".join(_zh_sentence(rng, rng.randint(18, 36), topic["zh"]) for _ in range(sentences))


def _text(rng: random.Random, sentences: int, topic: dict[str, list[str]]) -> dict[str, str]:
    return {"en": _para(rng, "en", sentences, topic), "zh": _para(rng, "zh", sentences, topic)}


def _body(rng: random.Random, topic: dict[str, list[str]]) -> dict[str, str]:
    return {lang: _para(rng, lang, rng.randint(6, 8), topic) + "\n\n" + _para(rng, lang, rng.randint(4, 6), topic) + "\n"
            for lang in ("en", "zh")}


def _title(rng: random.Random, term_en: str, term_zh: str, i: int) -> dict[str, str]:
    """Like real titles: some start with the topic's term ("Gradient descent"), some
    have it later ("Stochastic gradient descent"), some do not name it at all."""
    w_en, w_zh = rng.choice(EN_WORDS), rng.choice(ZH_WORDS)
    r = rng.random()
    if r < 0.4:
        en, zh = f"{term_en} {w_en} {i}", f"{term_zh}{w_zh}{i}"
    elif r < 0.7:
        en, zh = f"{w_en} {term_en} {i}", f"{w_zh}{term_zh}{i}"
    else:
        en, zh = f"{w_en} {rng.choice(EN_WORDS)} {i}", f"{w_zh}{rng.choice(ZH_WORDS)}{i}"
    return {"en": en[0].upper() + en[1:], "zh": zh}


def _ids(n: int, rng: random.Random) -> list[str]:
    return [f"{rng.choice(SLUG_WORDS)}-{rng.choice(SLUG_WORDS)}-{i}" for i in range(n)]


def entries(n: int, seed: int = 0):
    """(kind, document) for n entries."""
    rng = random.Random(seed)
    ids = _ids(n, rng)
    for i, ident in enumerate(ids):
        r, acc = rng.random(), 0.0
        kind = "concept"
        for k, p in KINDS:
            acc += p
            if r < acc:
                kind = k
                break
        topic = {"en": [_zipf(rng, VOCAB_EN) for _ in range(TOPIC_SIZE)],
                 "zh": [_zipf(rng, VOCAB_ZH) for _ in range(TOPIC_SIZE)]}
        term_en, term_zh = topic["en"][0], topic["zh"][0]
        doc: dict = {
            "id": ident,
            "kind": kind,
            "title": _title(rng, term_en, term_zh, i),
            "summary": _text(rng, 1, topic),
            "body": _body(rng, topic),
            "tags": sorted({rng.choice(SLUG_WORDS) for _ in range(2)}),
            "related": sorted({ids[rng.randrange(n)] for _ in range(rng.randint(2, 5))} - {ident}),
            "prerequisites": sorted({ids[rng.randrange(n)] for _ in range(rng.randint(0, 2))} - {ident}),
        }
        if kind == "concept":
            doc["formulas"] = [{"name": {"en": "Definition", "zh": "定义"}, "expr": f"f(x) = max(0, x) + {i}·σ(x)"}]
            doc["key_points"] = [_text(rng, 1, topic) for _ in range(3)]
            doc["common_mistakes"] = [_text(rng, 1, topic)]
        elif kind == "faq":
            doc.pop("title")
            doc.pop("summary")
            doc["question"] = {"en": f"How do I handle {term_en} in step {i}?", "zh": f"怎样处理第{i}步的{term_zh}？"}
            doc["answer"] = _body(rng, topic)
            doc.pop("body")
        elif kind == "tool":
            doc["category"] = rng.choice(["framework", "library", "serving", "research"])
            doc["homepage"] = f"https://example.org/{ident}"
            doc["status"] = "active"
            doc["status_year"] = 2025
        else:
            doc["domain"] = rng.choice(["nlp", "vision", "speech", "multimodal"])
            doc["tasks"] = [_text(rng, 1, topic) for _ in range(2)]
        yield kind, doc


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None  # Markdown bodies as block text, like content/
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def write_kb(root: Path, n: int, seed: int = 0) -> list[Path]:
    """Write n entries under ``root`` (one file each, named after its id)."""
    paths = []
    for folder in FOLDERS.values():
        (root / folder).mkdir(parents=True, exist_ok=True)
    for kind, doc in entries(n, seed):
        path = root / FOLDERS[kind] / f"{doc['id']}.yaml"
        path.write_text(yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=90), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    paths = write_kb(args.dir, args.n, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {size / len(paths) / 1024:.1f} KiB each on average, in {args.dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
