"""`sitrep explain EVENT_ID`: a merged event's confidence, term by term, with the reports behind it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sitrep.errors import SitrepError
from sitrep.reconcile.explain import Explanation, explain_event
from sitrep.settings import load_settings
from sitrep.store import open_store

# Characters of a report's evidence shown in the reports table.
EVIDENCE_CHARS = 90


def register(app: typer.Typer) -> None:
    """Add the `explain` command to sitrep's CLI."""
    app.command("explain")(explain_command)


def explain_command(
    event_id: Annotated[str, typer.Argument(help="a merged event's id, or any of its reports' event ids")],
    db: Annotated[str | None, typer.Option("--db", help="database: a SQLite path or an SQLAlchemy URL")] = None,
) -> None:
    """Explain a merged event's confidence: each term's value, weight and the reports behind it."""
    console = Console()
    try:
        with open_store(load_settings({"db": db}).db) as store:
            explanation = explain_event(store, event_id)
    except SitrepError as e:
        console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(1) from e
    render_explanation(console, explanation)


def render_explanation(console: Console, explanation: Explanation) -> None:
    event = explanation.event
    console.print(f"[bold]{event.merged_id}[/bold]  {event.event_type} / {event.sub_event_type}  "
                  f"{event.location}  {event.event_date or 'undated'}  {event.fact_status}")
    console.print(f"reports {event.reports_count}, independent sources {event.independent_sources}, "
                  f"stances {', '.join(event.stances)}")
    for dispute in event.disputes:
        console.print(f"[yellow]dispute:[/yellow] {dispute}")
    terms = Table(title=f"confidence {explanation.confidence:.2f}")
    for column in ("term", "value", "weight", "contribution", "reports", "why"):
        terms.add_column(column)
    for term in explanation.terms:
        terms.add_row(term.name, f"{term.value:.2f}", f"{term.weight:+.2f}", f"{term.contribution:+.3f}",
                      "\n".join(term.event_ids), term.note)
    console.print(terms)
    reports = Table(title="reports")
    for column in ("event", "document", "publisher", "stance", "status", "sub-type", "evidence"):
        reports.add_column(column)
    for r in explanation.reports:
        document = r.doc_id if not r.is_copy else f"{r.doc_id} (copy of {r.original_doc_id})"
        reports.add_row(r.event_id, document, r.publisher, r.stance, r.fact_status, r.sub_event_type,
                        r.evidence[:EVIDENCE_CHARS])
    console.print(reports)
