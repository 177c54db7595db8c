"""``language-model`` checks: a character-level language model trained by the learner,
scored by the solution's loss on held-out text against the best add-alpha bigram
model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.checks.common import Eval, Evaluator, M, described, not_ok, params_history, result
from engine.compare import fmt_num
from engine.diagnostics import LanguageModelDiagnostics
from engine.inputs import bigram_loss, kb_text, materialize
from engine.jobs import Call, Planner, run_reference_job
from engine.report import CheckResult, Message

if TYPE_CHECKING:  # pragma: no cover - the models say what a check holds; checking reads engine.plain's view
    from engine.spec import ExerciseSpec, LanguageModelCheck


def plan(planner: Planner, spec: ExerciseSpec, check: LanguageModelCheck) -> Evaluator:
    c = check.corpus
    train, held, vocab = kb_text(c.chars, c.min_count, c.held_out_every)
    V = len(vocab)
    kwargs = {k: materialize(v) for k, v in check.kwargs.items()}
    lc = planner.add("learner", check.call, [train, V], kwargs)
    shapes = {name: [V if d == "V" else int(d) for d in dims] for name, dims in check.params.items()}
    length = check.history_length if isinstance(check.history_length, int) else kwargs.get(check.history_length)
    context = kwargs.get(check.context_kwarg, 3)
    fn = check.call

    def evaluate(ev: Eval) -> CheckResult:
        bad = not_ok(ev, check, lc)
        if bad is not None:
            return bad
        parsed = params_history(fn, ev.outcome(lc).value, shapes,  # type: ignore[union-attr]
                                length if isinstance(length, int) else None)
        if isinstance(parsed, Message):
            return result(check, "fail", parsed)
        params, hist = parsed
        if not len(hist) or not np.all(np.isfinite(hist)):
            return result(check, "fail", M(
                f"{fn}(): the loss history is empty or holds NaN or inf: training diverged, or log(0) in the loss?",
                f"{fn}()：损失记录为空或含有 NaN、inf：训练发散了，或损失里出现了 log(0)？"))
        score = Call("s1", check.loss, [params, held, context], {})
        run = run_reference_job(ev.worker, spec, [score], ev.limits, drivers=True)
        value = run.outcomes["s1"].value
        loss = float(value) if isinstance(value, (int, float, np.floating)) else float("nan")
        bigram = bigram_loss(train, held, V)
        goal = bigram - check.margin
        k = max(1, len(hist) // 10)
        first, last = float(np.mean(hist[:k])), float(np.mean(hist[-k:]))
        diag = LanguageModelDiagnostics(
            held_out_loss=loss, bigram_loss=bigram, threshold=goal, vocab_size=V, train_chars=int(len(train)),
            held_out_chars=int(len(held)), loss_first=first, loss_last=last,
            history=tuple(float(v) for v in hist[:: max(1, len(hist) // 500)]))
        if not np.isfinite(loss):
            return result(check, "fail", M(
                "Your parameters give a non-finite loss on the held-out text: NaN or inf in them, or a "
                "probability of 0 for a character that occurs?",
                "你的参数在留出文本上给出了非有限的损失：参数里有 NaN 或 inf，或者某个出现过的字符概率为 0？"), diag)
        if not last < first:
            return result(check, "fail", described(check, M(
                f"The training loss did not fall (mean of the first tenth {fmt_num(round(first, 4))}, of the last "
                f"{fmt_num(round(last, 4))}): a wrong gradient sign, a learning rate of 0, or parameters never updated?",
                f"训练损失没有下降（前十分之一的平均为 {fmt_num(round(first, 4))}，最后十分之一为 "
                f"{fmt_num(round(last, 4))}）：梯度符号错了、学习率为 0，还是参数从未更新？")), diag)
        if loss > goal:
            return result(check, "fail", described(check, M(
                f"Held-out loss {loss:.3f} nats per character; a bigram model (no context) reaches {bigram:.3f}, and "
                f"a model that uses its context must get below {goal:.3f}. Check that the targets are the next "
                "characters, the embedding gets its gradient, and the hidden layer's derivative is right.",
                f"留出文本上每个字符的损失为 {loss:.3f} 奈特；不看上下文的二元（bigram）模型能达到 {bigram:.3f}，"
                f"利用上下文的模型必须低于 {goal:.3f}。请检查目标是否是下一个字符、嵌入是否得到了梯度、"
                "隐藏层的导数是否正确。")), diag)
        return result(check, "pass", M(
            f"Held-out loss {loss:.3f} nats per character (perplexity {np.exp(loss):.1f}), below the bigram model's "
            f"{bigram:.3f} by {bigram - loss:.3f}.",
            f"留出文本上每个字符的损失为 {loss:.3f} 奈特（困惑度 {np.exp(loss):.1f}），比二元模型的 {bigram:.3f} "
            f"低 {bigram - loss:.3f}。"), diag)

    return evaluate
