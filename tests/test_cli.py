"""The command line's edge (issue 14): report text is printed as text, never as Rich markup, and without
terminal escape sequences; `ingest` says when nothing could be read; a folder's links out of it and FIFOs
are rejected with a reason. The real pipeline (spaCy, gazetteer) and a real SQLite file throughout."""

from __future__ import annotations

import io
import json
import os
from datetime import date, datetime
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
    # its front matter is unreadable YAML (the escape character), so the date is given as an analyst would
    ingested = cli.invoke(app, ["ingest", str(report), "--db", db, "--published", "2016-08-12"])
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


# --------------------------------------------------------------- issue 13: merged events, checked values,
# undated documents, output people can pipe. A store of the dev corpus and the bundled examples, ingested
# once by the real pipeline (undated dev documents stay undated here: the store an older sitrep left).


@pytest.fixture(scope="module")
def dev_db(tmp_path_factory: pytest.TempPathFactory, resources: Any, shared: Path) -> tuple[str, Any]:
    from sitrep.pipeline import run_batch
    from sitrep.store import open_store

    db = str(tmp_path_factory.mktemp("dev") / "dev.db")
    with open_store(db) as store:
        summary = run_batch([shared / "data" / "corpus-dev", EXAMPLES], store, resources)
    assert summary.documents >= 15 and not summary.rejects
    return db, summary


EXAMPLES = Path(sitrep.cli.__file__).resolve().parent / "data" / "examples"


def _jsonl(output: str) -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_cli_events_merged_lists_merged_events_with_their_reports(cli: CliRunner, dev_db: tuple[str, Any]) -> None:
    db, _ = dev_db
    merged = cli.invoke(app, ["events", "--db", db, "--merged", "--format", "jsonl"])
    assert merged.exit_code == 0, merged.output
    records = _jsonl(merged.stdout)
    reports = _jsonl(cli.invoke(app, ["events", "--db", db, "--format", "jsonl"]).stdout)
    assert records and len(records) < len(reports)  # some happenings have several reports
    for r in records:
        assert {"reports_count", "independent_sources", "stances", "disputes", "confidence", "report_ids"} <= set(r)
        assert 1 <= r["independent_sources"] <= r["reports_count"] and r["report_ids"]
    assert any(r["independent_sources"] >= 2 for r in records), "no happening with two sources in the dev corpus"
    by_report = {i: r["merged_id"] for r in records for i in r["report_ids"]}
    assert sorted(by_report) == sorted(e["event_id"] for e in reports)  # every report in exactly one
    assert all(e["merged_id"] == by_report[e["event_id"]] for e in reports)  # each report names its merged id
    table = cli.invoke(app, ["events", "--db", db, "--merged"]).stdout
    assert all(r["merged_id"] in table for r in records)


@pytest.mark.parametrize(("flags", "message"), [
    (["--region", "Aleppoo"], "unknown region 'Aleppoo' (did you mean 'Aleppo'?)"),
    (["--type", "armd clash"], "unknown event or sub-event type 'armd clash' (did you mean 'Armed clash'"),
    (["--side", "govt"], "unknown side 'govt' (did you mean 'government'"),
    (["--status", "reportd"], "unknown fact status 'reportd' (did you mean 'reported'"),
    (["--near", "Atlantis"], "no place called 'Atlantis' in the gazetteer"),
    (["--since", "2016-08-10", "--until", "2016-08-01"], "--since 2016-08-10 is after --until 2016-08-01"),
    (["--since", "10/08/2016"], "--since: not a date (YYYY-MM-DD): '10/08/2016'"),
    (["--source", "Reuterz"], "unknown source 'Reuterz' (did you mean"),
])
def test_cli_events_mistakes_are_errors_with_suggestions(cli: CliRunner, dev_db: tuple[str, Any],
                                                         flags: list[str], message: str) -> None:
    result = cli.invoke(app, ["events", "--db", dev_db[0], *flags])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert result.stdout == ""  # no empty table as if nothing had happened


def test_cli_regions_take_their_usual_spellings(cli: CliRunner, dev_db: tuple[str, Any]) -> None:
    db = dev_db[0]

    def ids(region: str) -> list[str]:
        result = cli.invoke(app, ["events", "--db", db, "--region", region, "--format", "jsonl"])
        assert result.exit_code == 0, result.output
        return [e["event_id"] for e in _jsonl(result.stdout)]

    assert ids("Latakia") and ids("Latakia") == ids("Lattakia") == ids("lattakia")
    assert ids("Hasakah") and ids("Hasakah") == ids("Al Hasakeh") == ids("Hasaka (Al Haksa)")
    assert ids("Rif Dimashq") == ids("Rural Damascus") == ids("Damascus countryside")
    # one name out, whatever the spelling in: the one the region's front, the map and the reports show
    for spelling, name in (("Hasaka (Al Haksa)", "Hasakah"), ("Days Az Zawr", "Deir ez-Zor"), ("Lattakia", "Latakia")):
        for format in ("jsonl", "geojson"):
            out = cli.invoke(app, ["events", "--db", db, "--region", spelling, "--format", format]).stdout
            rows = [f["properties"] for f in json.loads(out)["features"]] if format == "geojson" else _jsonl(out)
            assert rows and {r["admin1"] for r in rows} == {name}, (spelling, format)
        merged = _jsonl(cli.invoke(app, ["events", "--db", db, "--region", spelling, "--merged", "-f", "jsonl"]).stdout)
        assert merged and {m["admin1"] for m in merged} == {name}
    held = _jsonl(cli.invoke(app, ["control", "--at", "2016-08-10", "--db", db, "--format", "jsonl"]).stdout)
    assert held and not {s["admin1"] for s in held} & {"Hasaka (Al Haksa)", "Days Az Zawr", "Homs (Hims)"}
    control = cli.invoke(app, ["control", "--at", "2016-08-10", "--db", db, "--region", "Aleppoo"])
    assert control.exit_code == 2 and "did you mean 'Aleppo'" in control.output
    report = cli.invoke(app, ["report", "--front", "Aleppoo", "--from", "2016-08-01", "--to", "2016-08-31", "--db", db])
    assert report.exit_code == 2 and "did you mean 'Aleppo'" in report.output


def test_cli_reading_commands_refuse_a_database_that_does_not_exist(cli: CliRunner, tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    for command in (["events"], ["events", "--merged"], ["export"], ["explain", "abc"],
                    ["control", "--at", "2016-08-10"], ["serve"],
                    ["report", "--front", "Aleppo", "--from", "2016-08-01", "--to", "2016-08-31"]):
        result = cli.invoke(app, [*command, "--db", str(typo)])
        assert result.exit_code != 0, (command, result.output)
        assert "no database at" in " ".join(result.output.split()), (command, result.output)
        assert any("no database at" in line and "SITREP_DB" in line for line in result.output.splitlines()), \
            (command, result.output)  # one line, not folded at 80 columns
        assert not typo.exists(), command  # never created empty


def test_cli_ingest_undated_document_is_warned_and_dated_by_the_policy(cli: CliRunner, tmp_path: Path) -> None:
    from sitrep.store import open_store

    report = tmp_path / "undated.md"
    report.write_text(PLAIN_REPORT.replace("published: 2016-08-12\n", ""), encoding="utf-8")
    saved = datetime(2016, 8, 13, 12, 0).timestamp()
    os.utime(report, (saved, saved))  # a scraped page's file keeps the day it was fetched
    rejected_db = tmp_path / "r.db"
    rejected = cli.invoke(app, ["ingest", str(report), "--db", str(rejected_db)])  # the default policy: reject
    assert rejected.exit_code == NOTHING_READ_EXIT, rejected.output  # its only document refused
    out = " ".join(rejected.output.split())
    assert (f"{report}: no publication date (setting undated=reject; give one with --published or front matter "
            "'published:')") in out
    assert "undated: 1" in out and f"1 document(s) without a publication date, rejected: {report}" in out
    with open_store(str(rejected_db)) as store:
        assert store.query_events() == []  # nothing stored with a made-up date
    dated = cli.invoke(app, ["ingest", str(report), "--db", str(rejected_db), "--published", "2016-08-12"])
    assert dated.exit_code == 0, dated.output  # the refused document is taken once it has a date
    with open_store(str(rejected_db)) as store:
        assert {e.published for e in store.query_events()} == {date(2016, 8, 12)}

    db = str(tmp_path / "undated.db")
    result = cli.invoke(app, ["ingest", str(report), "--db", db, "--undated", "mtime"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert (f"warning: {report}: no publication date: dated 2016-08-13 (its file's modification time; "
            "setting undated=mtime)") in out
    assert "undated: 1" in out and f"1 document(s) without a publication date, dated by undated=mtime: {report}" in out
    with open_store(db) as store:
        stored = store.query_events()
    assert stored and all(e.event_date is not None and e.published == date(2016, 8, 13) for e in stored)

    unknown = cli.invoke(app, ["ingest", str(report), "--db", str(tmp_path / "u.db"), "--undated", "never"])
    assert unknown.exit_code == 2 and "must be one of mtime, today, reject" in unknown.output
    today = cli.invoke(app, ["ingest", str(report), "--db", str(tmp_path / "t.db")], env={"SITREP_UNDATED": "today"})
    assert f"dated {date.today().isoformat()} (today; setting undated=today)" in " ".join(today.output.split())


def test_cli_ingest_rejects_a_front_matter_date_out_of_range_and_goes_on(cli: CliRunner, tmp_path: Path) -> None:
    from sitrep.store import open_store

    folder = tmp_path / "reports"
    folder.mkdir()
    typo = folder / "typo.md"
    typo.write_text(PLAIN_REPORT.replace("published: 2016-08-12", "published: 2061-08-12"), encoding="utf-8")
    (folder / "good.md").write_text(PLAIN_REPORT, encoding="utf-8")
    db = tmp_path / "range.db"
    result = cli.invoke(app, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output  # the batch goes on
    out = " ".join(result.output.split())
    assert f"rejected: {typo}: its publication date 2061-08-12 is not between 1900-01-01 and " in out
    assert "(settings earliest_date, days_ahead)" in out and "rejects: 1" in out
    with open_store(str(db)) as store:
        assert {e.published for e in store.query_events()} == {date(2016, 8, 12)}  # the good one only
        assert [r.origin for r in store.rejects()] == [str(typo)]
    extracted = cli.invoke(app, ["extract", str(typo)])
    assert extracted.exit_code == 2 and f"error: {typo}: its publication date 2061-08-12 is not between" in \
        " ".join(extracted.output.split())
    assert cli.invoke(app, ["extract", str(typo), "--published", "2016-08-12"]).exit_code == 0  # the flag wins


def test_cli_ingest_summary_names_unresolved_places(cli: CliRunner, tmp_path: Path, shared: Path) -> None:
    # a real dev report (whose places all resolve or not, as they may) beside one of ours naming a village the
    # gazetteer lacks: the summary names the unknown one, and under which document
    folder = tmp_path / "reports"
    folder.mkdir()
    dev = sorted((shared / "data" / "corpus-dev").glob("*.md"))[0]
    (folder / dev.name).write_text(dev.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "unknown-village.md").write_text(
        "---\npublished: 2016-08-01\nsource: test wire\n---\n\nFighting spread on Monday to the village of "
        "Qarqozbuttin, while shelling hit Darayya.\n", encoding="utf-8")
    result = cli.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "u.db"), "--verbose"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if "unresolved:" in line)
    assert "Qarqozbuttin" in line and "Darayya" not in line, line
    listed = [row for row in result.stdout.splitlines() if row.startswith("    ") and "Qarqozbuttin" in row]
    assert listed and "unknown-village" in listed[0], result.stdout


def test_cli_ingest_progress_counts_documents_read_and_done() -> None:
    from rich.console import Console

    from sitrep.cli_ingest import Reading, ingest_progress
    from sitrep.model import Document

    with ingest_progress(Console(file=io.StringIO())) as progress:
        reading = Reading(progress, progress.add_task("reading", total=None), "mtime", date(2016, 8, 1))
        for n in range(3):
            reading(Document(doc_id=f"d{n}", text="x", published=date(2016, 7, 1)))
        reading.done("d0")
        task = progress.tasks[0]
        assert (task.completed, task.total) == (1, 3) and task.description == "extracting d0"


def test_cli_classify_names_the_lines_it_skips(cli: CliRunner, tmp_path: Path) -> None:
    snippets = tmp_path / "snippets.tsv"
    snippets.write_text("id\tsnippet\n1\tPolice arrested a journalist in Hama on Monday.\n"
                        "2 no tab here, only spaces\n\n3\tThe central bank raised interest rates.\n", encoding="utf-8")
    result = cli.invoke(app, ["classify", str(snippets)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["1\tArrests", "3\tNone"]
    assert "skipped 1 line(s) without a tab between id and snippet: line 3" in " ".join(result.output.split())


def test_cli_version_and_tables_whole_when_piped(dev_db: tuple[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    import sitrep

    monkeypatch.chdir(tmp_path)
    narrow = CliRunner(env={"COLUMNS": "80"})  # as a pipe under an 80-column terminal
    assert narrow.invoke(app, ["--version"]).stdout == f"sitrep {sitrep.__version__}\n"
    result = narrow.invoke(app, ["events", "--db", dev_db[0]])
    assert result.exit_code == 0, result.output
    rows = _jsonl(narrow.invoke(app, ["events", "--db", dev_db[0], "--format", "jsonl"]).stdout)
    assert max(len(line) for line in result.stdout.splitlines()) > 80  # not cut to the terminal
    for row in rows:  # each row whole on one line: its id, its date, its precision in words
        line = next(line for line in result.stdout.splitlines()
                    if line.startswith("│") and line.split("│")[1].strip() == row["event_id"])
        assert (row["event_date"] or "undated") in line and "±" not in line
        if row["time_precision"] == 3 and row["event_date"]:
            assert f"{row['event_date']} (month)" in line
    merged = _jsonl(narrow.invoke(app, ["events", "--db", dev_db[0], "--merged", "--format", "jsonl"]).stdout)
    widest = max(merged, key=lambda m: len(m["report_ids"]))
    explained = narrow.invoke(app, ["explain", widest["merged_id"], "--db", dev_db[0]])
    assert explained.exit_code == 0, explained.output
    assert all(report_id in explained.stdout for report_id in widest["report_ids"])  # no id cut to "7989…"
    assert "…" not in explained.stdout


def test_cli_gazetteer_build_names_its_missing_inputs_and_the_setting(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "gazetteer.tsv.gz"
    for command, env, named in ((["--data-dir", str(tmp_path)], {}, "the folder given by --data-dir"),
                                ([], {"SITREP_SHARED_DATA": str(tmp_path)}, "the folder of the shared_data setting")):
        result = cli.invoke(app, ["gazetteer", "build", *command, "--out", str(out)], env=env)
        assert result.exit_code == 2, result.output
        shown = " ".join(result.output.split())
        assert f"wof_sy.tsv, syria_wikimap.tsv, syria_districts.tsv not found in {tmp_path}, {named}" in shown
        assert "SITREP_SHARED_DATA" in shown and not out.exists()


def test_cli_unknown_stance_is_an_error_listing_the_known_ones(cli: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text(PLAIN_REPORT, encoding="utf-8")
    db = tmp_path / "stance.db"
    for command in (["extract", str(report)], ["ingest", str(report), "--db", str(db)]):
        result = cli.invoke(app, [*command, "--stance", "banana"])
        assert result.exit_code == 2, (command, result.output)
        assert "unknown stance 'banana'; known: " in " ".join(result.output.split()) and "pro-government" in result.output
    assert not db.exists()  # refused before anything was stored
    close = cli.invoke(app, ["extract", str(report), "--stance", "pro-goverment"])
    assert close.exit_code == 2 and "did you mean 'pro-government'" in close.output


def test_cli_serve_on_a_taken_port_says_so_in_one_line(cli: CliRunner, tmp_path: Path) -> None:
    import socket

    from sitrep.store import open_store

    db = str(tmp_path / "serve.db")
    with open_store(db):
        pass  # an existing (empty) database: serve refuses a missing one first
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli.invoke(app, ["serve", "--db", db, "--port", str(port)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"error: port {port} on 127.0.0.1 is already in use (another sitrep serve?): stop it or "
                     "choose another with --port"]  # one line: no "serving at", no traceback


def test_cli_export_to_a_path_it_cannot_write_is_a_usage_error(cli: CliRunner, dev_db: tuple[str, Any],
                                                                tmp_path: Path) -> None:
    for out, message in ((tmp_path / "no-such-folder" / "events.csv", "no folder"), (tmp_path, "it is a folder")):
        result = cli.invoke(app, ["export", "--db", dev_db[0], "--out", str(out)])
        assert result.exit_code == 2, result.output  # was 3, "internal error: FileNotFoundError"
        assert f"error: cannot write {str(out)!r}: {message}" in " ".join(result.output.split())
    assert not (tmp_path / "no-such-folder").exists()


def test_cli_reversed_days_bad_dates_and_ports_are_usage_errors(cli: CliRunner, dev_db: tuple[str, Any],
                                                                 tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text(PLAIN_REPORT, encoding="utf-8")
    new_db = tmp_path / "new.db"
    cases = [
        (["ingest", str(report), "--published", "2016-13-01", "--db", str(new_db)], "not a date (YYYY-MM-DD)"),
        (["control", "--changes", "2016-08-31", "2016-08-01", "--db", dev_db[0]], "the first day is after the last"),
        (["serve", "--db", dev_db[0], "--port", "99999"], "port 99999 is not a TCP port"),
        (["extract", str(report), "--published", "2061-08-12"], "--published 2061-08-12 is not between 1900-01-01"),
        (["ingest", str(report), "--published", "2061-08-12", "--db", str(new_db)], "(settings earliest_date"),
    ]
    for command, message in cases:
        result = cli.invoke(app, command)
        assert result.exit_code == 2, (command, result.output)  # was 0 ('no place changed hands') or 3
        assert any(line.startswith("error: ") and message in line for line in result.output.splitlines()), \
            (command, result.output)
    assert not new_db.exists()  # the bad date refused before the database was created
