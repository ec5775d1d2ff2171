"""The command line's edge (issue 14): report text is printed as text, never as Rich markup, and without
terminal escape sequences; `ingest` says when nothing could be read; a folder's links out of it and FIFOs
are rejected with a reason. The real pipeline (spaCy, gazetteer) and a real SQLite file throughout."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import sitrep.cli
from sitrep.cli import NOTHING_READ_EXIT, app
from sitrep.events.extract import load_resources
from sitrep.render import clean_text, terminal_text

# A wire-style report whose sentence also carries Rich markup and terminal escapes (clear the screen,
# retitle the window, colour, an OSC 8 hyperlink), as a hostile or badly scraped page might.
HOSTILE_SENTENCE = ("Syrian government forces captured the town of Kinsabba [/bold] in Latakia countryside on "
                    "Thursday \x1b[2J\x1b]0;owned\x07after heavy clashes with \x1b[31mrebel fighters\x1b[0m, a "
                    "monitoring group said \x1b]8;;https://evil.example\x1b\\[link]\x1b]8;;\x1b\\.")
HOSTILE_REPORT = f"""---
source: "[bold red]Desk[/] \x1b[5m"
published: 2016-08-12
stance: neutral
---

{HOSTILE_SENTENCE}
"""
PLAIN_REPORT = """---
source: "Test Desk"
published: 2016-08-12
stance: neutral
---

Syrian government forces captured the town of Kinsabba in Latakia countryside on Thursday after heavy
clashes with rebel fighters, a monitoring group said.
"""


@pytest.fixture(scope="module")
def resources(nlp: Any, gazetteer: Any) -> Any:
    return load_resources(nlp, gazetteer)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, resources: Any, tmp_path: Path) -> CliRunner:
    """The CLI in this process with the session's loaded resources (not reloaded per command)."""
    monkeypatch.setattr(sitrep.cli, "_resources", lambda settings: resources)
    monkeypatch.chdir(tmp_path)  # no sitrep.toml of the checkout's
    return CliRunner(env={"COLUMNS": "1000"})  # long temporary paths on one line


def assert_terminal_safe(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output


def test_render_clean_text_removes_escape_sequences_whole() -> None:
    assert clean_text("a\x1b[31mred\x1b[0m b") == "ared b"
    assert clean_text("x\x1b]0;window title\x07y") == "xy"
    assert clean_text("x\x1b]8;;https://e.example\x1b\\link\x1b]8;;\x1b\\") == "xlink"
    assert clean_text("bell\x07 csi\x9b2J end") == "bell csi end"
    assert clean_text("ab\u202egnp.exe") == "abgnp.exe"  # no right-to-left override
    assert clean_text("one\nline\tonly") == "one line only"
    assert clean_text("two\nlines", one_line=False) == "two\nlines"
    assert clean_text("Dar'a [/bold] أريحا") == "Dar'a [/bold] أريحا"  # markup is text; Arabic untouched
    assert terminal_text("[/bold]").plain == "[/bold]"


def test_cli_events_table_prints_markup_and_escapes_in_reports_as_text(cli: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "hostile.md"
    report.write_text(HOSTILE_REPORT, encoding="utf-8")
    db = str(tmp_path / "cli.db")
    ingested = cli.invoke(app, ["ingest", str(report), "--db", db])
    assert ingested.exit_code == 0, ingested.output
    for format in ("table", "csv", "jsonl"):
        shown = cli.invoke(app, ["events", "--db", db, "--format", format])
        assert shown.exit_code == 0, shown.output  # was 3: MarkupError for the whole database
        if format != "jsonl":  # JSON escapes control characters itself ("\u001b")
            assert_terminal_safe(shown.output)
    table = cli.invoke(app, ["events", "--db", db]).output
    assert "[/bold]" in table  # shown as written, not read as a closing tag


def test_cli_extract_front_matter_markup_is_a_warning_shown_as_text(cli: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "bad-date.md"
    report.write_text(PLAIN_REPORT.replace("published: 2016-08-12", 'published: "[/yellow] nope"'),
                      encoding="utf-8")
    result = cli.invoke(app, ["extract", str(report), "--published", "2016-08-12"])
    assert result.exit_code == 0, result.output  # was a MarkupError
    shown = " ".join(result.output.split())
    assert "published '[/yellow] nope' is not a YYYY-MM-DD date; ignored" in shown
    assert "Kinsabba" in shown


def test_cli_extract_table_of_a_hostile_report_is_terminal_safe(cli: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "hostile.md"
    report.write_text(HOSTILE_REPORT, encoding="utf-8")
    result = cli.invoke(app, ["extract", str(report)])
    assert result.exit_code == 0, result.output
    assert "Kinsabba" in result.output
    assert_terminal_safe(result.output)


def test_cli_ingest_exits_non_zero_when_nothing_could_be_read(cli: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "blank.md").write_text("---\ntitle: only front matter\n---\n", encoding="utf-8")
    for paths in (["missing-1.md", "missing-2.md"], [str(tmp_path / "empty-folder")], [str(tmp_path / "blank.md")]):
        result = cli.invoke(app, ["ingest", *paths, "--db", db])
        assert result.exit_code == NOTHING_READ_EXIT, result.output
        assert "nothing could be read" in result.output
    (tmp_path / "good.md").write_text(PLAIN_REPORT, encoding="utf-8")
    mixed = cli.invoke(app, ["ingest", "missing-1.md", str(tmp_path / "good.md"), "--db", db])
    assert mixed.exit_code == 0, mixed.output  # one read: the run did something; the reject is listed
    assert "rejected" in mixed.output and "missing-1.md: no such file" in mixed.output


@pytest.mark.timeout(120)  # a FIFO that is opened blocks until a writer comes: the test would hang
def test_cli_ingest_rejects_links_out_of_the_folder_and_fifos(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "good.md").write_text(PLAIN_REPORT, encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "inside.md").symlink_to(folder / "good.md")  # a link that stays in the folder is read
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(tmp_path / "named.md")
    db = str(tmp_path / "links.db")
    result = cli.invoke(app, ["ingest", str(folder), str(tmp_path / "named.md"), "--db", db])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"passwd.txt: a symbolic link to {outside}, outside {folder}; not followed" in out
    assert "pipe.md: a FIFO, not a regular file; not read" in out
    assert "named.md: a FIFO, not a regular file; not read" in out
    assert "documents: 2 (1 already stored)" in out  # good.md and, the same text, inside.md
    fifo_extract = cli.invoke(app, ["extract", str(tmp_path / "named.md")])
    assert fifo_extract.exit_code == 2 and "a FIFO, not a regular file" in fifo_extract.output


def test_cli_control_changes_print_sources_and_quotes_as_text(cli: CliRunner, tmp_path: Path) -> None:
    earlier = tmp_path / "earlier.md"  # the town held by the rebels first, so that the second report is a change
    earlier.write_text(PLAIN_REPORT.replace("2016-08-12", "2016-07-01").replace(
        "Syrian government forces captured the town of Kinsabba", "Rebel fighters captured the town of Kinsabba")
        .replace("clashes with rebel fighters", "clashes with government forces"), encoding="utf-8")
    later = tmp_path / "later.md"
    later.write_text(PLAIN_REPORT.replace('"Test Desk"', '"[bold red]Desk[/]"'), encoding="utf-8")
    db = str(tmp_path / "control.db")
    assert cli.invoke(app, ["ingest", str(earlier), str(later), "--db", db]).exit_code == 0
    changes = cli.invoke(app, ["control", "--changes", "2016-07-15", "2016-08-31", "--layer", "claimed", "--db", db])
    assert changes.exit_code == 0, changes.output
    assert "[bold red]Desk[/] [neutral, reported]" in changes.output  # the source as written
