"""The reference docs are generated from the code (`make docs`) and must match it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitrep.settings import settings_reference

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_cli_reference_is_current(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    typer = Path(sys.executable).with_name("typer")
    subprocess.run([str(typer), "sitrep.cli", "utils", "docs", "--name", "sitrep", "--output", str(out)],
                   check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == (DOCS / "cli.md").read_text(encoding="utf-8"), "run `make docs`"


def test_docs_settings_reference_is_current() -> None:
    assert settings_reference() in (DOCS / "settings.md").read_text(encoding="utf-8"), "run `make docs`"
