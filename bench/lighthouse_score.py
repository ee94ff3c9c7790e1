"""Lighthouse's mobile performance score for a page, in the system Chromium (benchmark only).

Lighthouse is pinned in bench/lighthouse/ (package.json and its lock, with hashes) and installed there
on the benchmark's first run, without install scripts: the tests never need its 170 MB.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent / "lighthouse"
CLI = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP", "total-blocking-time": "TBT",
           "cumulative-layout-shift": "CLS", "speed-index": "SI"}


@dataclass(frozen=True)
class Score:
    score: float  # 0-100, the median run's
    runs: list[float]
    metrics: dict[str, str]  # the median run's metrics as Lighthouse words them, e.g. {"TBT": "150 ms"}


def ensure_installed() -> None:
    """Install the pinned Lighthouse into bench/lighthouse/ unless its lock is already installed."""
    lock = HERE / "package-lock.json"
    stamp = HERE / "node_modules" / ".package-lock.sha256"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("npm is needed to install Lighthouse for the benchmark")
    print("Installing the pinned Lighthouse into bench/lighthouse/ (first benchmark run only)...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HERE, check=True)
    stamp.write_text(digest)


def mobile_performance(url: str, chromium: str, runs: int = 3) -> Score:
    """Lighthouse's default mobile run (an emulated mid-range phone on a slow 4G network), `runs`
    times: the median score and that run's metrics."""
    ensure_installed()
    reports = []
    for _ in range(runs):
        done = subprocess.run(
            ["node", str(CLI), url, "--only-categories=performance", "--output=json", "--output-path=stdout",
             "--quiet", "--chrome-flags=--headless=new --no-sandbox"],
            capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chromium}, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"Lighthouse failed on {url}:\n{done.stderr[-2000:]}")
        reports.append(json.loads(done.stdout))
    scores = [report["categories"]["performance"]["score"] * 100 for report in reports]
    median = sorted(range(runs), key=lambda i: scores[i])[runs // 2]
    audits = reports[median]["audits"]
    return Score(statistics.median(scores), scores,
                 {short: audits[name]["displayValue"] for name, short in METRICS.items()})
