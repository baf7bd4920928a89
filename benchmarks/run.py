"""Run benchmarks: ``python -m benchmarks.run``; prints one JSON object per line.

Environment: ``BENCH=name1,name2`` selects benchmarks (default: all that
import), ``SCALE=small`` runs a quick pass. Each benchmark runs in its own
subprocess so ``peak_mb`` (the child's peak resident memory) is its own.
This module never imports Django; bench modules that need it import it lazily.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import resource
import subprocess
import sys
import traceback
from pathlib import Path

from .registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def discover() -> dict[str, str]:
    """Import every ``benchmarks/bench_*`` module; returns module -> import error."""
    errors = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("bench_"):
            try:
                importlib.import_module(f"benchmarks.{info.name}")
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                errors[info.name] = f"{type(exc).__name__}: {exc}"
    return errors


def run_child(name: str, scale: str) -> dict:
    discover()
    try:
        figures = REGISTRY[name](scale)
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc()
        return {"bench": name, "error": f"{type(exc).__name__}: {exc}"}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"bench": name, **figures, "peak_mb": round(peak, 1)}


def main() -> int:
    scale = "small" if os.environ.get("SCALE", "").lower() == "small" else "full"
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(run_child(sys.argv[2], scale)), flush=True)
        return 0
    errors = discover()
    wanted = [b.strip() for b in os.environ.get("BENCH", "").split(",") if b.strip()] or list(
        REGISTRY
    )
    for module, err in errors.items():
        print(json.dumps({"bench": module, "error": f"module not importable: {err}"}), flush=True)
    failed = False
    for name in wanted:
        if name not in REGISTRY:
            print(json.dumps({"bench": name, "error": "unknown benchmark"}), flush=True)
            failed = True
            continue
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--child", name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "SCALE": scale},
        )
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if proc.returncode or not lines:
            failed = True
            print(
                json.dumps({"bench": name, "error": (proc.stderr or "no output")[-2000:]}),
                flush=True,
            )
            continue
        print(lines[-1], flush=True)
        failed |= "error" in json.loads(lines[-1])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
