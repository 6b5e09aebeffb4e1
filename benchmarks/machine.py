"""What every benchmark report says about where it ran."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe(*packages: str) -> str:
    """'Machine: <cpu>, N cores, M GB; Python x.y.z, pkg a.b, ...'."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 1024**3:.0f} GB"
    except (ValueError, OSError, AttributeError):
        memory = ""
    versions = []
    for package in packages:
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            continue
    return (
        f"Machine: {cpu_name()}, {os.cpu_count()} cores{memory}; "
        f"Python {platform.python_version()}" + "".join(f", {item}" for item in versions) + "."
    )


def load_average() -> str:
    """The machine's load average over the last minute, as a report prints it."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def user_environment(**settings: str) -> dict[str, str]:
    """The environment for the processes a benchmark starts: this one with ``settings`` added,
    less what a user's machine does not set. ``PYTHONDONTWRITEBYTECODE``, set on the machines
    these benchmarks run on, makes Python compile every module of the package from its source
    at every start (0.1 s for a command, 0.2 s for the explorer); an installed package (pip
    compiles it) and a checkout that has run once (Python keeps what it compiled) never pay it.
    """
    kept = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**kept, **settings}
