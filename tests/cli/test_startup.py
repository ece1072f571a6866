"""Start-up: importing the command line (what ``goodcall --help`` pays) must not import
LightGBM, scikit-learn or SciPy — over a second of imports that only the commands fitting or
predicting with models need. Run in a fresh interpreter, so that nothing this test session has
imported hides a regression."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("lightgbm", "sklearn", "scipy")
SRC = Path(__file__).resolve().parents[2] / "src"


def _modules_after(statement: str) -> set[str]:
    script = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    return set(json.loads(done.stdout))


def test_importing_the_command_line_leaves_the_heavy_libraries_out() -> None:
    loaded = _modules_after("import goodcall.cli")
    assert "goodcall.cli" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []


def test_the_uplift_package_loads_a_name_on_first_use() -> None:
    loaded = _modules_after(
        "import goodcall.models.uplift as u\nassert 'lightgbm' not in sys.modules\n"
        "assert u.UpliftModel.__name__ == 'UpliftModel'"
    )
    assert "lightgbm" in loaded  # asked for the LightGBM model: now it is there


def test_an_unknown_name_of_the_uplift_package_is_an_attribute_error() -> None:
    import goodcall.models.uplift as uplift

    with pytest.raises(AttributeError, match="has no attribute 'NoSuchModel'"):
        uplift.NoSuchModel  # type: ignore[attr-defined]  # noqa: B018
