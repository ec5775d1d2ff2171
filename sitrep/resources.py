"""The one assembly of sitrep's heavy resources from the settings, used alike by the CLI, the API and the
Dask workers (each worker calls `load_resources` with the settings it was sent): the spaCy pipeline of
`nlp_model`, the gazetteer with the user's imported gazetteers and alias files and the profile's aliases,
and the conflict profile `conflict` with the user's overlay under `data_home` (`sitrep.overlays`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.overlays import profile_files
from sitrep.settings import Settings

if TYPE_CHECKING:
    from sitrep.events.extract import Resources
    from sitrep.geo import Gazetteer


def load_configured_gazetteer(settings: Settings) -> Gazetteer:
    """The shipped gazetteer with the user's imported gazetteers (`gazetteer_dir`), alias files
    (`alias_dir`) and the conflict profile's and its overlay's place aliases."""
    from sitrep.geo import load_gazetteer
    from sitrep.geo.gazetteer import DEFAULT_ALIAS_DIR

    extra = sorted(settings.gazetteer_dir.glob("*.tsv.gz")) if settings.gazetteer_dir.exists() else []
    aliases = sorted(DEFAULT_ALIAS_DIR.glob("*.tsv"))
    if settings.alias_dir.exists():
        aliases += sorted(settings.alias_dir.glob("*.tsv"))
    aliases += profile_files(Path(settings.data_home), settings.conflict).alias_files()
    return load_gazetteer(extra=extra, alias_files=aliases)


def load_resources(settings: Settings, *, gazetteer: Gazetteer | None = None) -> Resources:
    """Everything extraction needs, as the settings name it (pass `gazetteer` when one is loaded already)."""
    from sitrep.events.extract import load_resources as assemble
    from sitrep.nlp import load_nlp

    return assemble(load_nlp(settings.nlp_model), gazetteer or load_configured_gazetteer(settings),
                    Path(settings.data_home), settings.conflict)
