r"""The run record: commit, date, Python and package versions, hardware and run times of the machine that builds.

It changes on every run and every commit, so it is written to ``paper/generated/runrecord.tex``, which git
ignores; ``paper/main.tex`` inputs it when present (the appendix "Reproducibility" and the title's date) and
says "not recorded" otherwise. Tracked outputs never contain it.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from ._common import ROOT
from ._tex import MISSING, figure_label, tex_escape

__all__ = ["PACKAGES", "environment", "render_run_record"]

PACKAGES = ("numpy", "scipy", "sympy", "matplotlib", "joblib", "scikit-learn", "hypothesis")


def environment() -> dict[str, Any]:
    """Commit, Python and package versions, and the hardware of the machine writing the report."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    cpu = platform.processor() or None
    mem_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = int(line.split()[1]) / 2**20
                break
    except OSError:
        pass
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "date": git("log", "-1", "--format=%cd", "--date=format:%B %-d, %Y"),
            "dirty": bool(status) if status is not None else None,
            "python": platform.python_version(), "versions": versions, "cpu": cpu, "cores": os.cpu_count(),
            "memory_gib": mem_gib, "os": f"{platform.system()} {platform.release()}"}


def _reproducibility(env: dict[str, Any], figures: dict[str, Any], timings: Any) -> str:
    rows = []
    commit = env.get("commit")
    rows.append(("source commit", (r"\texttt{" + commit[:12] + "}" + (" (with uncommitted changes)"
                                                                       if env.get("dirty") else ""))
                 if commit else f"{MISSING}{{git commit}}"))
    rows.append(("Python", tex_escape(env.get("python"))))
    vers = ", ".join(f"{tex_escape(p)} {tex_escape(v)}" for p, v in env.get("versions", {}).items() if v)
    rows.append(("packages", vers or f"{MISSING}{{package versions}}"))
    rows.append(("processor", tex_escape(env.get("cpu") or "unknown")))
    mem = env.get("memory_gib")
    rows.append(("cores, memory", f"{env.get('cores')} logical cores" +
                 (f", {mem:.0f}~GiB" if isinstance(mem, (int, float)) else "")))
    rows.append(("operating system", tex_escape(env.get("os"))))
    runs = []
    for name, data in figures.items():
        count = next((data[k] for k in ("runs", "seeds") if isinstance(data, dict) and isinstance(data.get(k), int)
                      and not isinstance(data.get(k), bool)), None)
        if count is not None:
            runs.append(f"{tex_escape(figure_label(name))} {count}")
    rows.append(("independent runs per point", "; ".join(runs) or f"{MISSING}{{figure JSON}}"))
    rows.append(("run times of the last \\texttt{python -m analysis} (cached experiments are not rerun)",
                 _timings(timings, figures)))
    body = " \\\\\n".join(f"{k} & {v}" for k, v in rows)
    return ("\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{0.26\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.68\\linewidth}@{}}\\toprule\n" + body + " \\\\\n\\bottomrule"
            "\\end{tabular}")



def _timings(timings: Any, figures: dict[str, Any]) -> str:
    """Seconds per figure from ``timings.json`` (``{"figures": {name: s}, "total_s": s}``) when present."""
    per = timings.get("figures") if isinstance(timings, dict) else None
    if not isinstance(per, dict):
        return f"{MISSING}{{timings.json (written by python -m analysis)}}"
    parts = [f"{tex_escape(figure_label(n))} {float(per[n]):.0f}~s" for n in figures
             if isinstance(per.get(n), (int, float))]
    total = timings.get("total_s")
    if isinstance(total, (int, float)):
        parts.append(f"all figures {float(total):.0f}~s")
    runner = str(timings.get("runner") or "")
    jobs = re.search(r"jobs=(\d+)", runner)
    if "scheduler" in runner:
        parts.append("on a Dask cluster")
    elif jobs and int(jobs.group(1)) > 1:
        parts.append(f"on {jobs.group(1)} worker processes, figures computed concurrently")
    return "; ".join(parts) or f"{MISSING}{{timings.json}}"



def render_run_record(figures: dict[str, Any], timings: Any, env: dict[str, Any] | None = None) -> str:
    r"""``runrecord.tex``: ``\ReportDate`` and ``\Reproducibility`` for the machine, commit and time of this build."""
    env = env if env is not None else environment()
    return "\n".join([
        "% Written by python -m analysis.report on the machine that builds: untracked (git ignores it).",
        f"\\renewcommand{{\\ReportDate}}{{{tex_escape(env.get('date') or '')}}}",
        f"\\renewcommand{{\\Reproducibility}}{{{_reproducibility(env, figures, timings)}}}",
    ]) + "\n"
