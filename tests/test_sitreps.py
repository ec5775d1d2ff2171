"""Situation reports (sitrep.sitreps) on a store filled by ingesting real reports: the bundled examples,
and the dev corpus and seed where ../shared/ exists, plus one report whose metadata is hostile markup."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sitrep.actors import SIDES
from sitrep.conflict import default_profile
from sitrep.errors import NotFoundError
from sitrep.framing import find_framing, load_framing_lexicon
from sitrep.fronts import fronts
from sitrep.model import Document, Event, Place
from sitrep.sitreps import ReportError, SituationReport, compose_report
from sitrep.sitreps.compose import CHANGES, FORECAST, UNCERTAIN
from sitrep.sitreps.mapimage import LAND_COLOUR, MAP_SIZE, VENDOR, control_map_png, draw_control_map
from sitrep.sitreps.render import render_html, render_markdown, render_pdf
from sitrep.sitreps.wording import as_name, side_label
from sitrep.store import Store, open_store
from sitrep.store.schema import DocumentRow, EventRow

EXAMPLES = Path(__file__).resolve().parents[1] / "sitrep" / "data" / "examples"
SHARED = Path(__file__).resolve().parents[2] / "shared"
START, END = date(2016, 6, 1), date(2016, 8, 31)
HOSTILE_SOURCE = "<script>alert('x')</script> News & \"Views\""
HOSTILE_REPORT = f"""---
source: {HOSTILE_SOURCE}
title: <img src=x onerror=alert(1)> Clashes near Handarat
url: javascript:alert(1)
published: 2016-07-30
stance: neutral
---
Syrian government forces and rebels clashed in Handarat, north of Aleppo, on Thursday, residents said.
"""
# Quotations in a sentence: the sources' words, not sitrep's.
QUOTATION = re.compile(r"\u201c[^\u201d]*\u201d|\"[^\"]*\"")


def _fill(store: Store, folder: Path, nlp: Any, gazetteer: Any) -> None:
    """Ingest the examples and the hostile report, then the dev corpus and the seed where they exist."""
    from sitrep.events.extract import load_resources
    from sitrep.pipeline import run_batch

    hostile = folder / "hostile.md"
    hostile.write_text(HOSTILE_REPORT, encoding="utf-8")
    resources = load_resources(nlp, gazetteer)
    run_batch([*sorted(EXAMPLES.glob("*.md")), hostile], store, resources)
    if (SHARED / "eval" / "seed.txt").exists():
        run_batch(sorted((SHARED / "data" / "corpus-dev").glob("*.md")), store, resources)
        run_batch([SHARED / "eval" / "seed.txt"], store, resources, published=date(2016, 7, 30))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, nlp: Any, gazetteer: Any) -> Any:
    folder = tmp_path_factory.mktemp("sitreps")
    with open_store(str(folder / "reports.db")) as opened:
        _fill(opened, folder, nlp, gazetteer)
        yield opened


@pytest.fixture(scope="module")
def reports(store: Store) -> list[SituationReport]:
    return [compose_report(store, front.name, START, END) for front in fronts(store)]


def _aleppo(reports: list[SituationReport]) -> SituationReport:
    return next(r for r in reports if r.front.name == "Aleppo")


def test_sitreps_every_sentence_cites_listed_sources(reports: list[SituationReport]) -> None:
    assert sum(len(r.sentences) >= 3 for r in reports) >= 3
    for report in reports:
        numbers = [s.number for s in report.sources]
        assert numbers == list(range(1, len(numbers) + 1))
        for sentence in report.sentences:
            assert sentence.citations, sentence.text
            assert set(sentence.citations) <= set(numbers), sentence.text
        cited = {n for s in report.sentences for n in s.citations}
        assert cited == set(numbers)  # no source listed that no sentence cites


def test_sitreps_markdown_lines_end_in_resolving_citations(reports: list[SituationReport]) -> None:
    for report in reports:
        text = render_markdown(report)
        body, _, listing = text.partition("## Sources")
        listed = {int(n) for n in re.findall(r"^(\d+)\\\. ", listing, re.MULTILINE)}
        bullets = [line for line in body.splitlines() if line.startswith("- ")]
        assert len(bullets) == len(report.sentences)
        for line in bullets:
            found = re.search(r"((?:\[\d+\])+)$", line)
            assert found, line
            assert {int(n) for n in re.findall(r"\d+", found.group(1))} <= listed


def test_sitreps_no_loaded_term_in_our_voice(reports: list[SituationReport]) -> None:
    lexicon = load_framing_lexicon(Path(__file__).resolve().parents[1] / "sitrep" / "data" / "framing.tsv")
    quoted_terms = 0
    for report in reports:
        for sentence in report.sentences:
            ours = QUOTATION.sub(" ", sentence.text)
            assert find_framing(ours, lexicon) == [], sentence.text
            quoted_terms += sum(1 for q in QUOTATION.findall(sentence.text) if find_framing(q, lexicon))
        for section in report.sections:
            assert find_framing(section.title + " " + section.note, lexicon) == []
    # The partisan sources' labels are there, as quotations: "terrorists" is quoted, never ours.
    assert quoted_terms > 0
    words = [s.text for r in reports for s in r.sentences]
    assert any("\u201cterrorists\u201d" in t for t in words)
    assert not any("terrorists" in QUOTATION.sub(" ", t) for t in words)


def test_sitreps_sides_named_by_neutral_labels() -> None:
    lexicon = load_framing_lexicon()
    profile = default_profile()
    assert set(SIDES) <= set(profile.sides)
    labels = {side_label(side, day) for side in profile.sides for day in (None, date(2016, 7, 30), date(2025, 3, 10))}
    for label in labels:
        assert find_framing(label, lexicon) == [], label
    # the profile's label of the day: the state's forces before and after the fall of Damascus differ
    assert side_label("government", date(2016, 7, 30)) == "Assad government forces"
    assert side_label("government", date(2025, 3, 10)) == "Syrian transitional government forces"
    assert side_label("no_such_side") == side_label("unknown") == "an unidentified side"


def test_sitreps_forecast_sentences_are_marked_and_rest_on_expected_events(store: Store,
                                                                       reports: list[SituationReport]) -> None:
    forecasts = 0
    for report in reports:
        doc_of = {s.number: s.doc_id for s in report.sources}
        for section in report.sections:
            for sentence in section.sentences:
                assert sentence.forecast == (section.title == FORECAST), sentence.text
                if not sentence.forecast:
                    continue
                forecasts += 1
                assert "forecast" not in sentence.text.lower(), sentence.text  # the renderers mark it, once
                docs = [doc_of[n] for n in sentence.citations]
                with store.engine.connect() as connection:
                    statuses = set(connection.scalars(
                        select(EventRow.fact_status).join(DocumentRow, DocumentRow.id == EventRow.document_id)
                        .where(DocumentRow.doc_id.in_(docs))))
                assert statuses & {"expected", "hypothetical"}, sentence.text
        marked = [s for s in report.sentences if s.forecast]
        bullets = [line for line in render_markdown(report).splitlines() if line.startswith("- ")]
        assert [line.lower().count("forecast") for line in bullets] == [int(s.forecast) for s in report.sentences]
        assert render_pdf_text(report).count("[forecast]") == len(marked)
        assert render_html(report).count('<span class="tag">forecast</span>') == len(marked)
    assert forecasts > 0


def _expectation(doc_id: str, published: date, place: Place, expected_on: date) -> tuple[Document, list[Event]]:
    sentence = f"Government forces are expected to storm {place.name} (said on {published})."
    document = Document(doc_id=doc_id, text=sentence, source=f"Desk {doc_id}", stance="neutral", published=published)
    return document, [Event(event_id=f"{doc_id}-0", doc_id=doc_id, event_date=expected_on, time_precision=1,
                            event_type="Battles", sub_event_type="Armed clash", actor1="", actor1_side="government",
                            actor2="", actor2_side="opposition", location=place.name, latitude=place.lat,
                            longitude=place.lon, geo_precision=1, fact_status="expected", evidence=sentence,
                            evidence_start=0, evidence_end=len(sentence), place_id=place.place_id,
                            admin1=place.admin1)]


def test_sitreps_forecast_is_what_was_expected_by_the_end(tmp_path: Path) -> None:
    # Three expectations of fighting within FORECAST_DAYS of the report's end: published before the end,
    # on it, and after it. The third is hindsight: the report on 20-31 July does not forecast it.
    from sitrep.reconcile.merge import reconcile_documents

    places = [Place(f"test:f{i}", name, 36.2 + i / 10, 37.1, "village", "Aleppo")
              for i, name in enumerate(("Kafr Early", "Tall Ontime", "Ayn Late"))]
    with open_store(str(tmp_path / "forecast.db")) as store:
        for (doc_id, published), place in zip((("early", date(2016, 7, 25)), ("ontime", date(2016, 7, 31)),
                                               ("late", date(2016, 8, 10))), places, strict=True):
            store.save_document(*_expectation(doc_id, published, place, date(2016, 8, 15)), places)
        reconcile_documents(store, ["early", "ontime", "late"])
        report = compose_report(store, "Aleppo", date(2016, 7, 20), date(2016, 7, 31))
        forecast = next(section for section in report.sections if section.title == FORECAST)
        cited = {s.doc_id for s in report.sources
                 if any(s.number in sentence.citations for sentence in forecast.sentences)}
        assert cited == {"early", "ontime"}
        assert "Kafr Early" in " ".join(s.text for s in forecast.sentences)
        assert "Ayn Late" not in " ".join(s.text for s in forecast.sentences)
        later = compose_report(store, "Aleppo", date(2016, 8, 1), date(2016, 8, 12))
        assert "Ayn Late" in " ".join(s.text for sec in later.sections if sec.title == FORECAST for s in sec.sentences)


def test_sitreps_say_how_many_undated_reports_are_left_out(tmp_path: Path) -> None:
    # A store an older sitrep (or the library's run_batch) filled: two undated documents whose text names no
    # day, beside a dated one. No period holds their events; the report says so instead of omitting them.
    from sitrep.reconcile.merge import reconcile_documents

    places = [Place(f"test:u{i}", name, 36.2 + i / 10, 37.1, "village", "Aleppo")
              for i, name in enumerate(("Kafr Dated", "Tall Undated", "Ayn Undated"))]
    with open_store(str(tmp_path / "undated.db")) as store:
        for (doc_id, day), place in zip((("dated", date(2016, 7, 25)), ("u1", None), ("u2", None)), places,
                                        strict=True):
            document, events = _expectation(doc_id, date(2016, 7, 25), place, date(2016, 7, 25))
            event = replace(events[0], fact_status="reported", event_date=day, time_precision=1 if day else 3)
            store.save_document(replace(document, published=day), [event], places)
        reconcile_documents(store, ["dated", "u1", "u2"])
        report = compose_report(store, "Aleppo", date(2016, 7, 1), date(2016, 7, 31))
    fighting = next(section for section in report.sections if section.title == "Where fighting is")
    said = "2 reports of fighting on this front bear no date and are left out"
    assert said in fighting.note and "--published" in fighting.note and "undated setting" in fighting.note
    assert said in render_markdown(report) and said in render_html(report)
    assert "Kafr Dated" in " ".join(s.text for s in fighting.sentences)
    assert "Undated" not in " ".join(s.text for s in report.sentences)


def test_sitreps_single_partisan_source_is_said_plainly(reports: list[SituationReport]) -> None:
    checked = 0
    for report in reports:
        stance_of = {s.number: s.stance for s in report.sources}
        fighting = next(section for section in report.sections if section.title == "Where fighting is")
        for sentence in fighting.sentences:
            stances = {stance_of[n] for n in sentence.citations}
            if len(sentence.citations) == 1 and stances <= {"pro-government", "opposition"}:
                checked += 1
                assert f"a single {stances.pop()} source" in sentence.text
                assert sentence.uncertain
    assert checked > 0


def test_sitreps_disputes_and_unconfirmed_claims_are_said_to_be_uncertain(reports: list[SituationReport]) -> None:
    aleppo = _aleppo(reports)
    disputes = next(s for s in aleppo.sections if s.title == UNCERTAIN).sentences
    assert disputes  # the wire report of Ramouseh says the government disputes the rebels' claim
    for sentence in disputes:
        assert sentence.uncertain
        assert "disagree" in sentence.text or " denies " in sentence.text or " deny " in sentence.text
    changes = [s for r in reports for section in r.sections if section.title == CHANGES for s in section.sentences]
    unconfirmed = [s for s in changes if "does not confirm" in s.text]
    assert unconfirmed  # the seed's own claims of Aleppo districts, and the examples' partisan claims
    assert all(s.uncertain for s in unconfirmed)


def test_sitreps_names_holding_loaded_terms_are_quoted_as_the_sources_words() -> None:
    assert as_name("Aleppo") == "Aleppo"
    assert as_name("Liberation Hill") == "\u201cLiberation Hill\u201d"  # liberat* is loaded language
    assert as_name("Palestine Liberation Army") == "Palestine Liberation Army"  # a name, listed as framing nothing


def test_sitreps_map_is_a_png_of_the_right_size_with_colours(reports: list[SituationReport]) -> None:
    from io import BytesIO

    from PIL import Image

    png = control_map_png(_aleppo(reports))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == MAP_SIZE
    image = Image.open(BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 10
    # A held place's side colour is drawn (not only black text on white).
    assert any(r != g or g != b for _, (r, g, b) in colours)


def test_sitreps_map_is_over_the_basemap_with_names_apart_and_a_legend_of_what_is_drawn(
        reports: list[SituationReport]) -> None:
    from io import BytesIO

    from PIL import Image

    if not (VENDOR / "countries.geojson").exists():
        pytest.skip(f"{VENDOR} is not built: run `make web` (the map page's basemap)")
    for report in reports:
        drawing = draw_control_map(report)
        assert drawing.basemap
        image = Image.open(BytesIO(drawing.png)).convert("RGB")
        assert _rgb(LAND_COLOUR) in {colour for _, colour in image.getcolors(1 << 20) or []}  # the land is drawn
        boxes = [box for _, box in drawing.labels]
        assert all(not _overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), drawing.labels
        names = [name for name, _ in drawing.labels]
        assert len(names) == len(set(names))  # each name once
        states = [s for s in report.control if s.valid_on(report.end)]
        assert ("contested" in drawing.legend) == any(s.state == "contested" for s in states)
        assert ("besieged" in drawing.legend) == any(s.state == "besieged" for s in states)
        assert {entry for entry in drawing.legend if entry.startswith("held by")} == {
            f"held by {side_label(s.side or 'unknown', report.end)}"
            for s in states if s.state in ("held", "besieged") and (s.side or s.state == "held")}
    aleppo = draw_control_map(_aleppo(reports))
    written = {name for name, _ in aleppo.labels}
    assert {s.place_name for s in _aleppo(reports).control if s.state in ("contested", "besieged")} <= written


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def render_pdf_text(report: SituationReport) -> str:
    """The text of the report's PDF, decoded through the fonts' ToUnicode maps."""
    return pdf_text(render_pdf(report))


def pdf_text(pdf: bytes) -> str:
    """The shown text of a PDF written by fpdf2: each Tj string decoded through its font's ToUnicode map."""
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}
    fonts = {name.decode(): int(n) for body in objects.values() for block in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S)
             for name, n in re.findall(rb"/(\w+) (\d+) 0 R", block)}
    cmaps = {}
    for name, number in fonts.items():
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[number])
        assert to_unicode, name
        pairs = re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", objects[int(to_unicode.group(1))])
        cmaps[name] = {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs}
    lines, cmap = [], {}
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for font, literal in re.findall(rb"/(\w+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            if font:
                cmap = cmaps[font.decode()]
                continue
            raw = re.sub(rb"\\([()\\])", rb"\1", literal.replace(b"\\r", b"\r").replace(b"\\n", b"\n"))
            lines.append("".join(cmap.get(raw[i] << 8 | raw[i + 1], "\ufffd") for i in range(0, len(raw) - 1, 2)))
    return "\n".join(lines)


def test_sitreps_pdf_is_a_pdf_with_the_front_name(reports: list[SituationReport]) -> None:
    report = _aleppo(reports)
    pdf = render_pdf(report, control_map_png(report))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Situation report: Aleppo" in text
    assert "Sources" in text
    assert report.sources[0].publisher.split()[0] in text


def test_sitreps_hostile_source_stays_text(reports: list[SituationReport]) -> None:
    report = _aleppo(reports)
    assert any(s.publisher == HOSTILE_SOURCE for s in report.sources)  # cited through the real ingest path
    page = render_html(report, control_map_png(report))
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page
    assert 'href="javascript:' not in page
    markdown = render_markdown(report)
    assert "<script>" not in markdown and "\\<script\\>" in markdown


def test_sitreps_bad_requests_are_clear_errors(store: Store) -> None:
    with pytest.raises(ReportError):
        compose_report(store, "Aleppo", END, START)
    with pytest.raises(NotFoundError, match="known fronts"):
        compose_report(store, "Atlantis", START, END)


def test_sitreps_cli_writes_report_and_map(store: Store, tmp_path: Path) -> None:
    from sitrep.cli import app

    db = str(store.engine.url.database)
    runner = CliRunner()
    out = tmp_path / "aleppo.md"
    result = runner.invoke(app, ["report", "--front", "aleppo", "--from", "2016-06-01", "--to", "2016-08-31",
                                 "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Situation report: Aleppo")
    assert (tmp_path / "aleppo.png").read_bytes()[:4] == b"\x89PNG"
    html = runner.invoke(app, ["report", "--front", "Aleppo", "--from", "2016-06-01", "--to", "2016-08-31",
                               "--db", db, "--format", "html"])
    assert html.exit_code == 0 and "data:image/png;base64," in html.output
    for bad in (["--front", "Atlantis", "--from", "2016-06-01", "--to", "2016-08-31"],
                ["--front", "Aleppo", "--from", "2016-13-01", "--to", "2016-08-31"],
                ["--front", "Aleppo", "--from", "2016-06-01", "--to", "2016-08-31", "--format", "docx"]):
        failed = runner.invoke(app, ["report", *bad, "--db", db])
        assert failed.exit_code == 2 and "error" in failed.output


@pytest.mark.slow
def test_sitreps_postgresql_gives_the_same_reports(store: Store, reports: list[SituationReport],
                                                   postgres_databases: Any, nlp: Any, gazetteer: Any,
                                                   tmp_path: Path) -> None:
    with open_store(postgres_databases.create()) as other:
        _fill(other, tmp_path, nlp, gazetteer)
        again = [compose_report(other, front.name, START, END) for front in fronts(other)]
    assert [r.front.name for r in again] == [r.front.name for r in reports]
    # Compared ignoring case and order: a place's name in the control tables is the first report's spelling
    # of it ("al-Bahariyah" or "Al-Bahariyah"), which report comes first differs between the backends, and
    # places are listed by name. Citations are compared as the documents they number.
    for first, second in zip(reports, again, strict=True):
        assert _cited_documents(second) == _cited_documents(first)
        assert {replace(s, number=0) for s in second.sources} == {replace(s, number=0) for s in first.sources}
        assert sorted((c.place_id, c.side, c.state, c.valid_from, c.valid_until) for c in second.control) == \
            sorted((c.place_id, c.side, c.state, c.valid_from, c.valid_until) for c in first.control)


def _cited_documents(report: SituationReport) -> list[tuple[str, list[str]]]:
    doc_of = {s.number: s.doc_id for s in report.sources}
    return sorted((s.text.casefold(), sorted(doc_of[n] for n in s.citations)) for s in report.sentences)


def test_sitreps_fighting_is_one_sentence_per_place_most_reported_first(reports: list[SituationReport]) -> None:
    checked = 0
    for report in reports:
        fighting = next(section for section in report.sections if section.title == "Where fighting is")
        described = [s.text for s in fighting.sentences if s.text.startswith("Reports describe")]
        places = [re.search(r" at (.+?)(?: \(in .*?\))? (?:on|between) \d", t).group(1) for t in described]  # type: ignore[union-attr]
        assert len(places) == len(set(places)), places  # a place once, its reports merged
        sources = [int(found.group(1)) if (found := re.search(r"; (\d+) independent sources", t)) else 1
                   for t in described]
        assert sources == sorted(sources, reverse=True), described  # the most independently reported first
        checked += len(described) > 1
    assert checked
    aleppo = next(s for s in _aleppo(reports).sections if s.title == "Where fighting is")
    # districts known only as "somewhere in Aleppo" are one sentence about Aleppo, naming them
    assert any(re.search(r" at Aleppo \(in .+\) ", s.text) for s in aleppo.sentences)
