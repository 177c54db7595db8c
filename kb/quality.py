"""Quality bars for the shipped knowledge base, enforced by ``kb validate --strict``.

These are curriculum rules, not syntax: every concept is taught somewhere (a path), tested
(two quiz items or more) and, where it has an exercise, linked both ways; exercises give
three hint tiers; titles use the glossary's Chinese terms; paths put prerequisites first.
"""

from __future__ import annotations

from collections import defaultdict

from kb.content import ContentSet
from kb.loader import Problem
from kb.schema import Concept, Exercise, LearningPath, Quiz

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
}


def quality_problems(content: ContentSet) -> list[Problem]:
    entries = content.entries
    out: list[Problem] = []
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
            for term, renderings in GLOSSARY.items():
                if term in en and not any(r in zh for r in renderings):
                    out.append(content.problem(ident, (fld, "zh"), f"{fld}.zh",
                                               f"English says '{term}'; the Chinese should use the glossary term "
                                               f"{' / '.join(renderings)}"))
    return out


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
