"""A situation report as Markdown, HTML (Jinja2, autoescaped) or PDF (fpdf2 with a Unicode TrueType font).

Untrusted text stays text: place names, publishers, titles, quotes and URLs come from documents, so
Markdown escapes its punctuation, HTML escapes everything through Jinja2's autoescape (and links only
http(s) URLs), and the PDF writes characters, never markup.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from sitrep.errors import SitrepError
from sitrep.sitreps import wording as w
from sitrep.sitreps.compose import Sentence, SituationReport, Source

FORMATS = ("md", "html", "pdf")
# Unicode TrueType fonts for the PDF, first found wins: matplotlib ships DejaVu inside its package data.
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"))
# Characters Markdown would read as markup (CommonMark lets a backslash escape any ASCII punctuation).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")
# The only link targets written as links; anything else stays plain text.
_WEB_URL = re.compile(r"https?://\S+\Z")
# PDF layout: page margins and the map's width in millimetres (A4 is 210 mm wide).
PDF_MARGIN_MM = 15
PDF_MAP_WIDTH_MM = 170
NOTE = ("Written by sitrep from the reports in its store. Every sentence is sitrep's own neutral wording; "
        "words in quotation marks are the sources' words. Forecasts are marked; uncertain statements say why.")


class RenderError(SitrepError):
    """A report cannot be rendered as asked (unknown format, no font for the PDF)."""


def title_of(report: SituationReport) -> str:
    return (f"Situation report: {report.front.name}, {w.day_words(report.start)} to {w.day_words(report.end)}")


def cited(sentence: Sentence) -> str:
    return "".join(f"[{n}]" for n in sentence.citations)


def source_line(source: Source) -> str:
    """"Publisher (stance), 25 July 2016, “Title”, URL", unescaped."""
    parts = [f"{source.publisher} ({w.stance_words(source.stance)})",
             w.day_words(source.published) if source.published else "date unknown"]
    if source.title:
        parts.append(w.quoted(source.title))
    if source.url:
        parts.append(source.url)
    return ", ".join(parts)


# ---------------------------------------------------------------- Markdown


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# How a forecast sentence is marked, once, in each format (its words never repeat it).
FORECAST_MARK_MD = "**Forecast:** "
FORECAST_MARK_PDF = "[forecast] "


def render_markdown(report: SituationReport, map_path: str | None = None) -> str:
    """The report as Markdown; `map_path`, when given, is where the map's PNG is linked from."""
    lines = [f"# {escape_markdown(title_of(report))}", "", f"_{escape_markdown(NOTE)}_", ""]
    if map_path:
        lines += [f"![{escape_markdown(report.front.name)}: control on {w.day_words(report.end)}]"
                  f"(<{map_path.replace('>', '%3E')}>)", ""]
    for section in report.sections:
        lines += [f"## {escape_markdown(section.title)}", ""]
        lines += [f"- {FORECAST_MARK_MD if s.forecast else ''}{escape_markdown(s.text)} {cited(s)}"
                  for s in section.sentences]
        if section.note:
            lines += ["", f"_{escape_markdown(section.note)}_"] if section.sentences else \
                [f"_{escape_markdown(section.note)}_"]
        lines.append("")
    lines += ["## Sources", ""]
    lines += [f"{s.number}\\. {escape_markdown(source_line(s))}" for s in report.sources]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML

HTML_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: sans-serif; max-width: 60rem; margin: 2rem auto; line-height: 1.45; color: #222; }
.note, .empty { color: #555; font-style: italic; }
.forecast { border-left: 4px solid #0072B2; padding-left: .5rem; }
.uncertain { border-left: 4px solid #B00000; padding-left: .5rem; }
.tag { font-size: .8em; font-weight: bold; text-transform: uppercase; color: #0072B2; }
img { max-width: 100%; }
sup a { text-decoration: none; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="note">{{ note }}</p>
{% if map_png %}<figure><img src="data:image/png;base64,{{ map_png }}" alt="{{ map_alt }}">
<figcaption>{{ map_alt }}</figcaption></figure>{% endif %}
{% for section in sections %}
<section>
<h2>{{ section.title }}</h2>
{% if section.sentences %}<ul>
{% for s in section.sentences %}<li class="{{ 'forecast' if s.forecast }} {{ 'uncertain' if s.uncertain }}">
{% if s.forecast %}<span class="tag">forecast</span> {% endif %}{{ s.text }}
{% for n in s.citations %}<sup><a href="#source-{{ n }}">[{{ n }}]</a></sup>{% endfor %}</li>
{% endfor %}</ul>{% endif %}
{% if section.note %}<p class="empty">{{ section.note }}</p>{% endif %}
</section>
{% endfor %}
<h2>Sources</h2>
<ol>
{% for s in sources %}<li id="source-{{ s.number }}" value="{{ s.number }}">{{ s.publisher }}
({{ stance(s.stance) }}), {{ day(s.published) if s.published else "date unknown" }}{% if s.title %},
&ldquo;{{ s.title }}&rdquo;{% endif %}{% if s.url %}, {% if web(s.url) %}<a href="{{ s.url }}" rel="nofollow noopener">{{ s.url }}</a>{% else %}{{ s.url }}{% endif %}{% endif %}</li>
{% endfor %}</ol>
</body>
</html>
"""


def render_html(report: SituationReport, map_png: bytes | None = None) -> str:
    """The report as one self-contained HTML page (the map inlined); all text autoescaped."""
    from jinja2 import Environment

    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    template = environment.from_string(HTML_TEMPLATE)
    return template.render(
        title=title_of(report), note=NOTE, sections=report.sections, sources=report.sources,
        map_png=base64.b64encode(map_png).decode("ascii") if map_png else "",
        map_alt=f"{report.front.name}: control on {w.day_words(report.end)} (assessed)",
        stance=w.stance_words, day=w.day_words, web=lambda url: bool(_WEB_URL.match(url)))


# ---------------------------------------------------------------- PDF


def find_font_dir() -> Path:
    """A folder holding the DejaVu Sans fonts: matplotlib's package data, else a system font folder."""
    import matplotlib

    candidates = [Path(matplotlib.get_data_path()) / "fonts" / "ttf", *SYSTEM_FONT_DIRS]
    for folder in candidates:
        if all((folder / name).is_file() for name in FONT_FILES):
            return folder
    raise RenderError(f"no Unicode font for the PDF: {', '.join(FONT_FILES)} not found in "
                      f"{', '.join(str(c) for c in candidates)}")


def render_pdf(report: SituationReport, map_png: bytes | None = None) -> bytes:
    """The report as a PDF document (A4), the map after the title."""
    import io

    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = find_font_dir()
    pdf = FPDF(format="A4")
    pdf.set_margins(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM)
    pdf.set_auto_page_break(True, margin=PDF_MARGIN_MM)
    pdf.add_font("DejaVu", "", str(fonts / FONT_FILES[0]))
    pdf.add_font("DejaVu", "B", str(fonts / FONT_FILES[1]))
    pdf.set_title(title_of(report))
    pdf.set_creator("sitrep")
    pdf.add_page()

    def paragraph(text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    paragraph(title_of(report), 15, "B", 3)
    paragraph(NOTE, 9)
    if map_png:
        pdf.image(io.BytesIO(map_png), w=PDF_MAP_WIDTH_MM)
        pdf.ln(2)
    for section in report.sections:
        paragraph(section.title, 12, "B")
        for sentence in section.sentences:
            tag = FORECAST_MARK_PDF if sentence.forecast else ""
            paragraph(f"\u2022 {tag}{sentence.text} {cited(sentence)}")
        if section.note:
            paragraph(section.note, 9)
    paragraph("Sources", 12, "B")
    for source in report.sources:
        paragraph(f"{source.number}. {source_line(source)}", 9, gap=0.5)
    return bytes(pdf.output())


def render(report: SituationReport, format: str, map_png: bytes | None = None, map_path: str | None = None
           ) -> bytes:
    """The report in `format` (md, html or pdf) as bytes (UTF-8 for text)."""
    if format == "md":
        return render_markdown(report, map_path).encode("utf-8")
    if format == "html":
        return render_html(report, map_png).encode("utf-8")
    if format == "pdf":
        return render_pdf(report, map_png)
    raise RenderError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
