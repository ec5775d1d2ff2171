"""One error hierarchy for sitrep. Every error a user can see derives from `SitrepError`."""

from __future__ import annotations


class SitrepError(Exception):
    """Base class: a problem sitrep can explain in one line."""


class SettingsError(SitrepError):
    """A setting has an invalid value or an unknown name."""


class DataFileError(SitrepError):
    """A data file (the shipped profile's or a user overlay's: actors, publishers, framing, triggers, cues,
    aliases, the conflict profile) is missing, unreadable or malformed; the message names file:line."""


class InputError(SitrepError):
    """A document could not be read: missing, empty, binary, too large, undecodable."""


class GazetteerError(SitrepError):
    """The gazetteer could not be built, loaded or extended."""


class NlpError(SitrepError):
    """The spaCy pipeline could not be loaded or run."""


class ExtractionError(SitrepError):
    """Event extraction failed on a document."""


class StoreError(SitrepError):
    """The database could not be opened, migrated, read or written."""


class StoreBusyError(StoreError):
    """Another writer held the database past the busy timeout: the same request can succeed a moment later."""


class NotFoundError(StoreError):
    """Something asked for by id or name (an event, a front, a place) is not in the store."""


class ClusterError(SitrepError):
    """The Dask cluster could not be started or reached, or its workers could not load the resources."""
