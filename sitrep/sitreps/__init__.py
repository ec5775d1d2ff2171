"""Situation reports per front (`sitrep report`): neutral, cited sentences on what changed hands, where
fighting is and what is expected, with a static map of the front's control on the last day.

    report = compose_report(store, "Aleppo", date(2016, 7, 1), date(2016, 8, 31))   # compose.py
    render_markdown(report) / render_html(report, png) / render_pdf(report, png)    # render.py
    png = control_map_png(report)                                                    # mapimage.py
"""

from __future__ import annotations

from sitrep.sitreps.compose import ReportError, Section, Sentence, SituationReport, Source, compose_report

__all__ = ["ReportError", "Section", "Sentence", "SituationReport", "Source", "compose_report"]
