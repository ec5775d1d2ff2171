"""Settings: precedence, validation, and the weight tables that confidence and control assessment read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.control.rules import AssessmentRules
from sitrep.errors import SettingsError
from sitrep.events.extract import extract, load_resources
from sitrep.ingest import read_document
from sitrep.reconcile import ConfidenceWeights, explain_event, merged_events, reconcile_documents
from sitrep.settings import (
    WEIGHT_TABLES,
    assessment_rules,
    confidence_weights,
    field_notes,
    load_settings,
    weight_fields,
)
from sitrep.store import Store, open_store
from sitrep.store.schema import MergedEventRow

EXAMPLES = Path(__file__).resolve().parents[1] / "sitrep" / "data" / "examples"


def test_settings_precedence_file_then_environment_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sitrep.toml").write_text('db = "from-file.db"\ntile_url = "https://tiles/{z}/{x}/{y}.png"\n')
    monkeypatch.delenv("SITREP_DB", raising=False)
    assert load_settings(cwd=tmp_path).db == "from-file.db"
    monkeypatch.setenv("SITREP_DB", "from-env.db")
    settings = load_settings(cwd=tmp_path)
    assert (settings.db, settings.tile_url) == ("from-env.db", "https://tiles/{z}/{x}/{y}.png")
    assert load_settings({"db": "from-flag.db"}, cwd=tmp_path).db == "from-flag.db"


@pytest.mark.parametrize("toml, message", [
    ('colour = "red"\n', "unknown setting"),
    ("db = 3\n", "must be text"),
    ("[confidence]\nbogus = 1\n", "no weight 'bogus'"),
    ('[assessment]\naccept_at = "high"\n', "must be a number"),
    ("[assessment]\ncontested_days = 2.5\n", "must be an integer"),
    ("db = \n", "sitrep.toml"),
])
def test_settings_reject_bad_values_in_one_line(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "sitrep.toml").write_text(toml)
    with pytest.raises(SettingsError, match=message):
        load_settings(cwd=tmp_path)


def test_settings_weight_tables_override_single_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sitrep.toml").write_text("[confidence]\nhedges = -0.3\n\n[assessment]\ncontested_days = 21\n")
    settings = load_settings(cwd=tmp_path)
    assert confidence_weights(settings) == ConfidenceWeights(hedges=-0.3)
    assert assessment_rules(settings) == AssessmentRules(contested_days=21)
    monkeypatch.setenv("SITREP_CONFIDENCE", "status=0.5, corroboration_cap=4")
    weights = confidence_weights(load_settings(cwd=tmp_path))
    assert (weights.status, weights.corroboration_cap, weights.hedges) == (0.5, 4, ConfidenceWeights().hedges)


@pytest.mark.parametrize("table", sorted(WEIGHT_TABLES))
def test_settings_every_weight_is_documented(table: str) -> None:
    notes = field_notes(table)
    for field in weight_fields(table):
        assert len(notes.get(field.name, "")) > 10, f"[{table}] {field.name} has no comment explaining it"


def test_settings_confidence_weights_reach_the_stored_confidence(nlp: Any, gazetteer: Any, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    resources = load_resources(nlp, gazetteer)
    db = str(tmp_path / "weights.db")
    doc_ids = []
    with open_store(db) as store:
        for path in sorted(EXAMPLES.glob("*.md")):
            result = extract(read_document(path), resources)
            store.save_document(result.document, result.events, [p.place for p in result.places if p.place])
            doc_ids.append(result.document.doc_id)
        reconcile_documents(store, doc_ids)
        before = stored_confidences(store)
    assert before
    # The fact-status weight counts for every merged event: halving it must lower each positive confidence.
    (tmp_path / "sitrep.toml").write_text("[confidence]\nstatus = 0.25\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["reconcile", "--db", db])
    assert result.exit_code == 0, result.output
    weights = confidence_weights(load_settings())
    with open_store(db) as store:
        after = stored_confidences(store)
        assert after == {m.merged_id: pytest.approx(m.confidence, abs=1e-4) for m in merged_events(store, weights)}
        assert after.keys() == before.keys()
        assert all(after[k] <= before[k] for k in before)
        assert sum(after[k] < before[k] for k in before) >= len(before) // 2, (before, after)
        some = next(iter(after))
        explained = explain_event(store, some, weights)
        assert explained.confidence == pytest.approx(after[some], abs=1e-4)
        assert next(t.weight for t in explained.terms if t.name == "fact_status") == 0.25



def stored_confidences(store: Store) -> dict[str, float]:
    """The confidence column of merged_events, as reconcile stored it."""
    with store.engine.connect() as connection:
        return {merged_id: confidence for merged_id, confidence in
                connection.execute(select(MergedEventRow.merged_id, MergedEventRow.confidence))}
