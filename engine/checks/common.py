"""What every check kind shares: the evaluation context, a result with its title and
typed diagnostics, the verdict when a call did not return (an exception, a process that
ended early), the inputs a message may show, and a training function's
``(params, history)``."""

from __future__ import annotations

import ast
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeAlias

import numpy as np

from engine.compare import Context, shape_message, type_name
from engine.diagnostics import Diagnostics, Frame, ProcessEnd, RaisedIn, diagnostics_class
from engine.jobs import Call, Outcome, ReferenceError_, RunResult
from engine.plain import driver_names, function, pair, params
from engine.plain import outputs as signature_outputs
from engine.report import CheckResult, Message
from engine.worker import Worker

if TYPE_CHECKING:  # pragma: no cover
    from engine.spec import ExerciseSpec

M = Message

# A planned check: given the evaluation context, its result.
Evaluator: TypeAlias = Callable[["Eval"], CheckResult]


@dataclass
class Eval:
    """What an evaluator reads: the learner's run, the reference's outcomes, the worker
    (for reference jobs that score what the learner returned) and the limits."""

    worker: Worker
    spec: ExerciseSpec
    learner: RunResult
    reference: dict[str, Outcome]
    limits: dict[str, Any]

    def ref(self, call: Call) -> Any:
        o = self.reference.get(call.cid)
        if o is None or not o.ok:  # pragma: no cover - require_reference checked it
            raise ReferenceError_(M("The reference solution has no result.", "参考答案没有结果。"))
        return o.value

    def outcome(self, call: Call) -> Outcome | None:
        return self.learner.outcomes.get(call.cid)


def title(check: Any) -> Message:
    if check.title is not None:
        p = pair(check.title)
        return M(p["en"], p["zh"])
    return M(check.id, check.id)


def result(check: Any, status: str, message: Message, details: Diagnostics | None = None) -> CheckResult:
    """The check's result; ``details`` default to its kind's empty diagnostics."""
    if details is None:
        details = diagnostics_class(check.kind)()
    return CheckResult.of(check.id, check.kind, status, message, title(check), details)  # type: ignore[arg-type]


def described(check: Any, message: Message) -> Message:
    if check.description is not None:
        p = pair(check.description)
        return message + M(f" (This check: {p['en']})", f"（本项检查：{p['zh']}）")
    return message


def not_ok(ev: Eval, check: Any, call: Call, strict_fails: bool = False) -> CheckResult | None:
    """The check's result when this call did not return normally; None when it did."""
    if ev.learner.import_error is not None:
        return from_error(check, ev.learner.import_error, None, at_import=True)
    o = ev.outcome(call)
    if o is None:
        return from_process(ev, check)
    if o.ok:
        return None
    if o.info.get("kind") == "fp" and strict_fails:
        return None  # handled by the stability evaluator
    return from_error(check, o.info, call)


def frames_text(frames: list[list[Any]]) -> str:
    lines = []
    for lineno, name, text in frames:
        if lineno == 0:
            lines.append(f"  {text}")
        else:
            lines.append(f"  line {lineno}, in {name}: {text}")
    return "\n".join(lines)


def from_error(check: Any, info: dict[str, Any], call: Call | None, at_import: bool = False) -> CheckResult:
    kind = info.get("kind", "error")
    etype = info.get("type") or "Exception"
    emsg = info.get("message") or ""
    frames = info.get("frames") or []
    where = ""
    where_zh = ""
    if frames:
        lineno, name, text = frames[-1]
        where = f" at line {lineno} ({text})" if text else f" at line {lineno}"
        where_zh = f"（第 {lineno} 行：{text}）" if text else f"（第 {lineno} 行）"
    fn = f"{call.fn}()" if call else "your file"
    fn_zh = f"{call.fn}()" if call else "你的文件"
    if call is not None and call.driver:  # the check's own code called the learner's
        fn, fn_zh = f"your code (run by the check {call.fn})", f"你的代码（由检查 {call.fn} 调用）"
    where_raised = info.get("where")
    diag = diagnostics_class(check.kind)(
        exception=etype, exception_message=emsg, traceback=tuple(Frame(*f) for f in frames),
        raised_in=RaisedIn(*where_raised) if where_raised else None)
    if kind == "not-started":
        return result(check, "not-started", M(
            f"Not started yet: {fn} still raises NotImplementedError. Replace the `raise` with your code.",
            f"尚未开始：{fn_zh} 仍然抛出 NotImplementedError。把 `raise` 这一行换成你的实现。"), diag)
    if kind == "memory":
        return result(check, "memory", M(
            f"{fn} ran out of memory{where}: an array far larger than needed, or one growing in a loop?",
            f"{fn_zh} 内存不足{where_zh}：是否创建了过大的数组，或在循环中不断增长？"), diag)
    if kind == "missing":
        name = call.fn if call is not None else emsg
        return result(check, "error", M(
            f"Your file does not define {name}() (check the spelling; it must be a top-level function).",
            f"你的文件没有定义 {name}()（检查拼写；它必须是顶层函数）。"), diag)
    if kind == "forbidden":
        return result(check, "fail", M(
            f"{fn} calls {emsg.split(' ')[0]}{where}, but this exercise asks you to implement it yourself.",
            f"{fn_zh} 调用了 {emsg.split(' ')[0]}{where_zh}，而本练习要求你自己实现它。"), diag)
    if at_import:
        head = M(f"Your file failed to load: {etype}: {emsg}{where}.",
                 f"你的文件加载失败：{etype}: {emsg}{where_zh}。")
    elif etype == "RecursionError":
        head = M(f"{fn} recursed too deeply (RecursionError){where}: a function calling itself without end?",
                 f"{fn_zh} 递归过深（RecursionError）{where_zh}：是否有函数无休止地调用自身？")
    elif etype == "SystemExit":
        head = M(f"{fn} called sys.exit(){where}; return a value instead.",
                 f"{fn_zh} 调用了 sys.exit(){where_zh}；请改为返回结果。")
    else:
        head = M(f"{fn} raised {etype}: {emsg}{where}.", f"{fn_zh} 抛出了 {etype}: {emsg}{where_zh}。")
    if etype == "PermissionError" and "not permitted" in emsg:
        head = head + M(" Checks run in a sandbox: code may not start processes, open network connections "
                        "or signal other processes.",
                        "检查在沙箱中运行：代码不能启动进程、建立网络连接或向其他进程发送信号。")
    if frames:
        tb = frames_text(frames)
        head = head + M(f"\nTraceback (your code):\n{tb}", f"\n调用栈（你的代码）：\n{tb}")
    return result(check, "error", head, diag)


def from_process(ev: Eval, check: Any) -> CheckResult:
    status = ev.learner.process or "crashed"
    return result(check, status, process_message(status, ev.learner.summary, ev.limits),
                  diagnostics_class(check.kind)(process=ProcessEnd.from_summary(ev.learner.summary)))


def process_message(status: str, summary: dict[str, Any], limits: dict[str, Any]) -> Message:
    if summary.get("zygote_lost"):
        if status == "timeout":
            return M("The checking process stopped answering; your code was stopped.",
                     "检查进程失去响应，你的代码已被终止。")
        return M("The checking process itself was killed while your code ran (did it kill its parent "
                 "process?). Nothing it returned counts.",
                 "运行你的代码时检查进程本身被终止（你的代码是否结束了父进程？）。它返回的任何结果都不算数。")
    if status == "timeout":
        t = float(limits["timeout_s"])
        return M(f"Stopped at the time limit ({t:g} s): an infinite loop, or a loop far too slow?",
                 f"达到时间限制（{t:g} 秒）后被终止：是死循环，还是循环太慢？")
    if status == "memory":
        return M(f"Ran out of memory (limit {limits['memory_mb']} MB): an array far larger than needed, "
                 "or one growing in a loop?",
                 f"内存超出限制（{limits['memory_mb']} MB）：是否创建了过大的数组，或在循环中不断增长？")
    if status == "output-limit":
        return M(f"Printed more than {limits['output_kb']} KiB, so the run was stopped. Remove prints "
                 "inside loops.",
                 f"输出超过 {limits['output_kb']} KiB，运行已被终止。请删掉循环里的 print。")
    sig = summary.get("signal")
    code = summary.get("exit_code")
    if sig:
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        what = {"SIGSEGV": "segmentation fault", "SIGABRT": "abort", "SIGBUS": "bus error",
                "SIGKILL": "killed", "SIGFPE": "arithmetic fault"}.get(name, "")
        en = f"killed by {name}" + (f", {what}" if what else "")
        zh = f"被 {name} 终止" + (f"（{what}）" if what else "")
    elif summary.get("malformed"):
        en = "it sent back a result kb cannot read"
        zh = "它返回了 kb 无法读取的结果"
    elif code == 70:
        en = "the checking code inside the process failed: did your code replace built-in or NumPy functions?"
        zh = "进程内的检查代码出错：你的代码是否替换了内置函数或 NumPy 函数？"
    elif code not in (None, 0):
        en, zh = f"exited with code {code}", f"以退出码 {code} 退出"
    else:
        en, zh = "exited before finishing (os._exit?)", "在完成前退出（os._exit？）"
    return M(f"The process ended without a complete report ({en}). Nothing it returned counts.",
             f"进程在给出完整报告前就结束了（{zh}）。它返回的任何结果都不算数。")


def run_info(summary: dict[str, Any]) -> dict[str, Any]:
    """How a process ran, as a report keeps it (the same keys as a result's diagnostics)."""
    return ProcessEnd.from_summary(summary).to_dict()




def unusable(check: Any, exc: Exception) -> CheckResult:
    what = f"{type(exc).__name__}: {str(exc)[:200]}"
    return result(check, "fail", M(
        f"Your function returned something this check cannot use ({what}). Return what the signature "
        "says: plain float64 NumPy arrays, Python numbers, or tuples of them.",
        f"你的函数返回了本项检查无法使用的值（{what}）。请按函数签名返回：float64 NumPy 数组、Python 数值，"
        "或由它们组成的元组。"), diagnostics_class(check.kind)(unusable=what))


def context(spec: ExerciseSpec, fn: str, args: list[Any], kwargs: dict[str, Any], note: Any = None,
            outputs: list[str] | None = None) -> Context:
    sig = function(spec, fn)
    names = params(sig) if sig else driver_params(spec, fn)
    inputs: list[tuple[str, Any]] = []
    for i, a in enumerate(args):
        inputs.append((names[i] if i < len(names) else f"arg{i}", a))
    inputs += list(kwargs.items())
    counts: list[tuple[Message, int]] = []
    first = next((a for a in args if isinstance(a, np.ndarray) and a.ndim > 0), None)
    if first is not None:
        counts.append((M("the number of elements", "元素个数"), int(first.size)))
        if first.ndim >= 2:
            counts.append((M("N, the number of rows", "行数 N"), int(first.shape[0])))
            counts.append((M("the number of columns", "列数"), int(first.shape[-1])))
    seen: set[int] = set()
    unique = []
    for m, n in counts:  # one hint per distinct count
        if n not in seen:
            seen.add(n)
            unique.append((m, n))
    counts = unique
    note_msg = None
    if note is not None:
        p = pair(note)
        note_msg = M(p["en"], p["zh"])
    out_names = outputs or (signature_outputs(sig) if sig else None)
    return Context(inputs=inputs, counts=counts, note=note_msg, output_names=out_names)


def driver_params(spec: ExerciseSpec, fn: str) -> list[str]:
    """A check driver's parameter names after the module it is given (``sub``)."""
    if not spec.drivers or fn not in driver_names(spec):
        return []
    for node in ast.parse(spec.drivers).body:
        if isinstance(node, ast.FunctionDef) and node.name == fn:
            return [a.arg for a in node.args.posonlyargs + node.args.args][1:]
    return []


def params_history(fn: str, got: Any, shapes: dict[str, list[int]], length: int | None
                   ) -> tuple[dict[str, np.ndarray], np.ndarray] | Message:
    """A training function's ``(params, history)``, checked: the named float arrays of
    the right shapes, finite, and a history of ``length`` numbers; else what is wrong."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return M(f"{fn}() should return (params, history); got {type_name(got)}.",
                 f"{fn}() 应返回 (params, history)；实际为 {type_name(got)}。")
    params, history = got
    if not isinstance(params, dict):
        return M(f"{fn}(): params should be a dict, got {type_name(params)}.",
                 f"{fn}()：params 应为 dict，实际为 {type_name(params)}。")
    clean: dict[str, np.ndarray] = {}
    for name, shape in shapes.items():
        p = params.get(name)
        if not isinstance(p, np.ndarray):
            return M(f"{fn}(): params[{name!r}] is missing or not an array ({type_name(p)}).",
                     f"{fn}()：params[{name!r}] 缺失或不是数组（{type_name(p)}）。")
        if p.shape != tuple(shape):
            return shape_message(f"params[{name!r}]", p.shape, tuple(shape))
        if p.dtype.kind != "f":
            return M(f"params[{name!r}]: dtype {p.dtype}, expected float64.",
                     f"params[{name!r}]：dtype 为 {p.dtype}，应为 float64。")
        if not np.all(np.isfinite(p)):
            return M(f"params[{name!r}] contains NaN or inf: training diverged?",
                     f"params[{name!r}] 含有 NaN 或 inf：训练发散了？")
        clean[name] = p.astype(np.float64)
    hist = loss_history(history)
    if hist is None:
        return M(f"{fn}(): history should be a list of numbers (one mean loss per epoch); got {type_name(history)}.",
                 f"{fn}()：history 应为数值列表（每个迭代周期一个平均损失）；实际为 {type_name(history)}。")
    if length is not None and len(hist) != length:
        return M(f"{fn}(): history has {len(hist)} values; expected {length}, one per epoch.",
                 f"{fn}()：history 有 {len(hist)} 个值；应为 {length} 个，每个迭代周期一个。")
    return clean, hist


def loss_history(history: Any) -> np.ndarray | None:
    if isinstance(history, np.ndarray):
        return history.astype(np.float64).reshape(-1) if history.dtype.kind in "iuf" and history.ndim == 1 else None
    if not isinstance(history, (list, tuple)):
        return None
    values = []
    for h in history:
        if isinstance(h, np.ndarray) and h.ndim == 0:
            h = h[()]
        if not isinstance(h, (int, float, np.integer, np.floating)) or isinstance(h, bool):
            return None
        values.append(float(h))
    return np.array(values)

