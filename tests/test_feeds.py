"""Feeds: RSS and Atom files become one document per entry; a bad entry is a reject, not a failure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sitrep.ingest import read_documents
from sitrep.model import Document, Reject

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Syria Wire</title><link>https://wire.example.org</link>
<item><title>Army shells Douma</title><link>https://wire.example.org/1</link>
<pubDate>Tue, 09 Aug 2016 10:00:00 GMT</pubDate><author>desk@wire.example.org (Desk)</author>
<description>&lt;p&gt;Government artillery shelled Douma on Monday, residents said.&lt;/p&gt;</description></item>
<item><title>Empty</title><link>https://wire.example.org/2</link></item>
<item><title>Rebels advance</title><link>https://wire.example.org/3</link>
<description>Rebel factions advanced toward Ramouseh on Saturday.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Test Monitor</title>
<entry><title>Strikes on Anadan</title><id>tag:monitor.example.org,2016:1</id>
<link href="https://monitor.example.org/a"/><updated>2016-07-18T08:00:00Z</updated>
<content type="html">&lt;p&gt;Warplanes struck Anadan and Hraytan overnight.&lt;/p&gt;</content></entry>
</feed>"""


def _read(path: Path) -> list[Document | Reject]:
    return list(read_documents([path]))


def test_feeds_rss_entries_become_documents(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    items = _read(path)
    documents = [i for i in items if isinstance(i, Document)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [d.url for d in documents] == ["https://wire.example.org/1", "https://wire.example.org/3"]
    first = documents[0]
    assert first.source == "Test Syria Wire" and first.published == date(2016, 8, 9)
    assert "Government artillery shelled Douma on Monday" in first.text and "<p>" not in first.text
    assert first.text.startswith("Army shells Douma")
    assert [r.origin for r in rejects] == [f"{path}#2"]


def test_feeds_atom_saved_as_xml_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "saved.xml"
    path.write_text(ATOM, encoding="utf-8")
    (document,) = _read(path)
    assert isinstance(document, Document)
    assert document.source == "Test Monitor" and document.published == date(2016, 7, 18)
    assert "Warplanes struck Anadan" in document.text


def test_feeds_garbage_feed_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_bytes(b"<rss><channel><title>x</title><item><title>unclosed")
    items = _read(path)
    assert all(isinstance(i, Reject) for i in items) and items


def test_feeds_folder_walk_includes_feeds(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "note.md").write_text("Clashes were reported in Handarat on Sunday.", encoding="utf-8")
    documents = [i for i in read_documents([tmp_path]) if isinstance(i, Document)]
    assert len(documents) == 3
