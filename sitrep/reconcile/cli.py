"""`sitrep explain EVENT_ID`: a merged event's confidence, term by term, with the reports behind it;
`sitrep reconcile`: merge every stored report again (after the confidence weights changed)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sitrep.cli_checks import existing_database
from sitrep.errors import SitrepError
from sitrep.reconcile.explain import Explanation, explain_event, merged_events
from sitrep.reconcile.merge import rebuild_all
from sitrep.settings import confidence_weights, load_settings
from sitrep.store import open_store

# Characters of a report's evidence shown in the reports table.
EVIDENCE_CHARS = 90


def register(app: typer.Typer) -> None:
    """Add the `explain` and `reconcile` commands to sitrep's CLI."""
    app.command("explain")(explain_command)
    app.command("reconcile")(reconcile_command)


def reconcile_command(
    db: Annotated[str | None, typer.Option("--db", help="database: a SQLite path or an SQLAlchemy URL")] = None,
) -> None:
    """Merge every stored report across sources again, from scratch, with the current [confidence] weights.

    Ingest merges incrementally; run this after changing the weights, so stored confidences follow them."""
    console = Console()
    try:
        settings = load_settings({"db": db})
        with open_store(existing_database(settings.db)) as store:
            rebuild_all(store, confidence_weights(settings))
            merged = len(merged_events(store))
    except SitrepError as e:
        console.print(f"[red]error:[/red] {escape(str(e))}")
        raise typer.Exit(1) from e
    console.print(f"merged events: {merged}")


def explain_command(
    event_id: Annotated[str, typer.Argument(help="a merged event's id, or any of its reports' event ids")],
    db: Annotated[str | None, typer.Option("--db", help="database: a SQLite path or an SQLAlchemy URL")] = None,
) -> None:
    """Explain a merged event's confidence: each term's value, weight and the reports behind it."""
    from sitrep.cli_output import fail, out_console

    console = out_console()  # piped: full width, no report id cut to "798991085f4…"
    try:
        settings = load_settings({"db": db})
        with open_store(existing_database(settings.db)) as store:
            explanation = explain_event(store, event_id, confidence_weights(settings))
    except SitrepError as e:
        fail(e)  # one line on standard error, exit 2, as every command
    render_explanation(console, explanation)


def render_explanation(console: Console, explanation: Explanation) -> None:
    event = explanation.event
    console.print(f"[bold]{event.merged_id}[/bold]  {event.event_type} / {event.sub_event_type}  "
                  f"{escape(event.location)}  {event.event_date or 'undated'}  {event.fact_status}")
    console.print(f"reports {event.reports_count}, independent sources {event.independent_sources}, "
                  f"stances {', '.join(event.stances)}")
    for dispute in event.disputes:
        console.print(f"[yellow]dispute:[/yellow] {escape(dispute)}")
    terms = Table(title=f"confidence {explanation.confidence:.2f}")
    for column in ("term", "value", "weight", "contribution", "reports", "why"):
        terms.add_column(column)
    for term in explanation.terms:
        terms.add_row(term.name, f"{term.value:.2f}", f"{term.weight:+.2f}", f"{term.contribution:+.3f}",
                      "\n".join(term.event_ids), escape(term.note))  # notes quote analysts and sources
    console.print(terms)
    reports = Table(title="reports")
    for column in ("event", "document", "publisher", "stance", "status", "sub-type", "evidence"):
        reports.add_column(column)
    for r in explanation.reports:
        document = r.doc_id if not r.is_copy else f"{r.doc_id} (copy of {r.original_doc_id})"
        reports.add_row(r.event_id, escape(document), escape(r.publisher), r.stance, r.fact_status,
                        r.sub_event_type, escape(r.evidence[:EVIDENCE_CHARS]))
    console.print(reports)
