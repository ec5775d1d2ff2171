"""The gazetteer: every known place, indexed by transliteration-tolerant keys.

Stored as one gzipped TSV (`sitrep/data/gazetteer.tsv.gz`, made by `sitrep gazetteer build`), extended at
load time by imported GeoNames files and alias files, so users add places with data, not code. The file
carries each name's skeleton and phonetic keys as two extra columns, so loading computes no keys.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import InitVar, dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz.distance import Indel

from sitrep.errors import GazetteerError
from sitrep.geo.translit import Spelling, deletions, fold, phonetic, skeleton, spelling, spelling_from_keys
from sitrep.memory import collector_paused
from sitrep.model import Place

log = logging.getLogger(__name__)

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_GAZETTEER = PACKAGE_DATA / "gazetteer.tsv.gz"
DEFAULT_ALIAS_DIR = PACKAGE_DATA / "aliases"

PLACE_COLUMNS = ("place_id", "name", "lat", "lon", "kind", "admin1", "admin2", "parent_id", "population",
                 "geo_precision", "sources", "names")
# The two key columns hold `skeleton` and `phonetic` of each name in `names`, in the same order.
COLUMNS = (*PLACE_COLUMNS, "skeletons", "phonetics")
NAME_SEPARATOR = "|"
# Every this many rows, a row's stored keys are recomputed on load: a file written before the key
# functions changed is caught (and its keys recomputed) at a cost of a few milliseconds.
KEY_CHECK_STRIDE = 500

# Keys shorter than this many consonants are too ambiguous for one-edit (typo) retrieval: "md" (Mayda'a)
# is one deletion from dozens of unrelated names.
MIN_FUZZY_KEY = 4
EARTH_RADIUS_KM = 6371.0088
# Similarity credited to a Latin spelling whose skeleton equals an Arabic-script name's: good evidence
# (the Arabic pivot), but below an exact Latin match since vowels cannot be checked.
ARABIC_SKELETON_SIM = 0.85
# Similarity (at most) of two names with a generic first word whose distinctive parts have different
# skeletons ("Hawsh al-Shalaq" and "Haouch Salhié"): below every acceptance floor of detection (0.72) and
# resolution, since villages sharing "Hawsh" or "Tall" share nothing else.
DISTINCT_PART_MISMATCH_SIM = 0.6

# The skeletons and the phonetic keys of a place's names, each in the order of `place.names`.
NameKeys = tuple[tuple[str, ...], tuple[str, ...]]
# One entry of the key index: the place's position in `Gazetteer.places`, one of its names and that
# name's phonetic key (the skeleton is the index key itself). Plain tuples: there are ~60,000.
IndexedName = tuple[int, str, str]


class GeoPoint(NamedTuple):
    """A position prepared for many distances: latitude in radians and its cosine, longitude in degrees."""

    lat_rad: float
    cos_lat: float
    lon: float


def geo_point(lat: float, lon: float) -> GeoPoint:
    lat_rad = math.radians(lat)
    return GeoPoint(lat_rad, math.cos(lat_rad), lon)


def haversine(a: GeoPoint, b: GeoPoint) -> float:
    """The haversine of the central angle between two points: grows with their distance, so the nearest of
    several points has the smallest, and `km_from_haversine` is taken once, of that one."""
    return (math.sin((b.lat_rad - a.lat_rad) / 2) ** 2
            + a.cos_lat * b.cos_lat * math.sin(math.radians(b.lon - a.lon) / 2) ** 2)


def km_from_haversine(h: float) -> float:
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    return km_from_haversine(haversine(geo_point(lat1, lon1), geo_point(lat2, lon2)))


@dataclass(frozen=True, slots=True)
class NameHit:
    """A place reached through one of its names, whether the key matched exactly or by one edit, and
    `name_similarity` of the looked-up spelling and that name."""

    place: Place
    name: str
    exact: bool
    similarity: float


@dataclass
class Gazetteer:
    """Places with an index from skeleton keys to their names. Build with `load_gazetteer`; `keys` are the
    places' precomputed `name_keys` (as stored in the file), computed here when absent."""

    places: list[Place]
    keys: InitVar[Sequence[NameKeys | None] | None] = None
    _by_id: dict[str, Place] = field(default_factory=dict, repr=False)
    _by_key: dict[str, list[IndexedName]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _by_deletion: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _lookups: dict[tuple[str, bool], list[NameHit]] = field(default_factory=dict, repr=False)
    _spellings: dict[str, Spelling] = field(default_factory=dict, repr=False)
    _skeletons: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)  # by place id
    _derived: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self, keys: Sequence[NameKeys | None] | None) -> None:
        for index, place in enumerate(self.places):
            self._index_place(index, place, keys[index] if keys is not None else None, bulk=True)
        self._by_deletion = deletion_index(self._by_key)

    def _index_place(self, index: int, place: Place, keys: NameKeys | None = None, *,
                     replacing: bool = False, bulk: bool = False) -> None:
        """Index the place's names under their skeletons (and the deletion index, unless `bulk` indexing
        builds that once at the end)."""
        self._lookups.clear()  # a new name may change any earlier answer
        self._derived.clear()
        self._by_id[place.place_id] = place
        if place.parent_id:
            self._children[place.parent_id].append(place.place_id)
        names = place.names or (place.name,)
        if keys is None or len(keys[0]) != len(names):
            keys = name_keys(names)
        self._skeletons[place.place_id] = keys[0] if place.names else ()
        seen: set[str] = set()
        for name, key, phonetic_key in zip(names, *keys, strict=True):
            if not key:
                continue
            bucket = self._by_key[key]
            entry = (index, name, phonetic_key)
            # a name indexes its place once: repeated in `names`, or already there when a place is replaced
            if name in seen or (replacing and entry in bucket):
                continue
            seen.add(name)
            bucket.append(entry)
            if not bulk and len(key) >= MIN_FUZZY_KEY:
                for variant in deletions(key):
                    self._by_deletion.setdefault(variant, set()).add(key)

    def __len__(self) -> int:
        return len(self.places)

    def get(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def add(self, place: Place) -> None:
        """Add (or replace, by id) one place and index its names."""
        old = self._by_id.get(place.place_id)
        if old is not None:
            index = self.places.index(old)
            self.places[index] = place
        else:
            index = len(self.places)
            self.places.append(place)
        self._index_place(index, place, replacing=old is not None)

    def skeletons(self, place: Place) -> tuple[str, ...]:
        """`skeleton` of each of `place.names`, in order (stored, not recomputed, for indexed places)."""
        stored = self._skeletons.get(place.place_id)
        if stored is None or self._by_id.get(place.place_id) is not place:
            stored = tuple(skeleton(name) for name in place.names)
        return stored

    def has_key(self, key: str) -> bool:
        return key in self._by_key

    def derived(self, purpose: str) -> dict[Any, Any]:
        """A cache for values derived from the places (e.g. the resolver's scored candidates per name),
        one per `purpose`, emptied whenever a place is added."""
        return self._derived.setdefault(purpose, {})

    def lookup(self, surface: str, *, fuzzy: bool = True) -> list[NameHit]:
        """Places one of whose names has the same skeleton as `surface` (or, with `fuzzy`, one edit away).
        Each place appears once, through its best-matching name. Answers are remembered: reports repeat
        their place names, and the gazetteer changes only through `add`."""
        cached = self._lookups.get((surface, fuzzy))
        if cached is None:
            cached = self._lookups[(surface, fuzzy)] = self._lookup(surface, fuzzy)
        return list(cached)

    def _lookup(self, surface: str, fuzzy: bool) -> list[NameHit]:
        query = spelling(surface)
        key = query.skeleton
        if not key:
            return []
        hits: dict[str, NameHit] = {}
        for entry in self._by_key.get(key, ()):
            self._keep_best(hits, entry, key, True, query)
        if fuzzy and len(key) >= MIN_FUZZY_KEY - 1:
            near_keys = self._near_keys(key) if len(key) >= MIN_FUZZY_KEY else transpositions(key)
            for near_key in near_keys:
                for entry in self._by_key.get(near_key, ()):
                    old = hits.get(self.places[entry[0]].place_id)
                    if old is None or not old.exact:
                        self._keep_best(hits, entry, near_key, False, query)
        return list(hits.values())

    def _near_keys(self, key: str) -> set[str]:
        by_deletion = self._by_deletion
        near = set(by_deletion.get(key, ()))  # indexed keys one letter longer
        for variant in deletions(key):
            if variant in self._by_key:
                near.add(variant)  # indexed keys one letter shorter
            near.update(by_deletion.get(variant, ()))  # substitutions and transpositions
        near.discard(key)
        return near

    def _keep_best(self, hits: dict[str, NameHit], entry: IndexedName, key: str, exact: bool,
                   query: Spelling) -> None:
        """Keep the hit through `entry` (indexed under `key`) unless its place is already reached through an
        exact match (when this one is not) or through a name at least as similar."""
        index, name, phonetic_key = entry
        place = self.places[index]
        old = hits.get(place.place_id)
        if old is None or (exact and not old.exact):
            hits[place.place_id] = NameHit(place, name, exact, self._similarity(query, name, key, phonetic_key))
        elif exact == old.exact:
            similarity = self._similarity(query, name, key, phonetic_key)
            if similarity > old.similarity:
                hits[place.place_id] = NameHit(place, name, exact, similarity)

    def _similarity(self, query: Spelling, name: str, key: str, phonetic_key: str) -> float:
        known = self._spellings.get(name)
        if known is None:
            known = self._spellings[name] = spelling_from_keys(name, key, phonetic_key)
        return spelling_similarity(query, known)

    def children(self, place_id: str) -> list[Place]:
        return [self._by_id[c] for c in self._children.get(place_id, ()) if c in self._by_id]

    def search(self, query: str, limit: int = 10) -> list[Place]:
        """Transliteration-tolerant name search, best first (for people, e.g. the API's place search)."""
        hits = self.lookup(query)
        hits.sort(key=lambda h: (-h.similarity, -h.place.population))
        return [h.place for h in hits[:limit]]


def deletion_index(keys: Iterable[str]) -> dict[str, set[str]]:
    """The keys of MIN_FUZZY_KEY letters or more by each string one deletion away from them."""
    index: dict[str, set[str]] = {}
    for key in keys:
        if len(key) >= MIN_FUZZY_KEY:
            for variant in deletions(key):
                near = index.get(variant)
                if near is None:
                    index[variant] = {key}
                else:
                    near.add(key)
    return index


def name_keys(names: Sequence[str]) -> NameKeys:
    """The skeletons and the phonetic keys of `names`: what the index and name similarity need."""
    return tuple(skeleton(name) for name in names), tuple(phonetic(name) for name in names)


def transpositions(key: str) -> set[str]:
    """Keys with two neighbouring letters swapped ("sfr" ~ "srf"): the one typo safe on short keys."""
    return {key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(len(key) - 1)} - {key}


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two spellings, on their phonetic keys (indel-normalised, rapidfuzz)."""
    return spelling_similarity(spelling(a), spelling(b))


def spelling_similarity(a: Spelling, b: Spelling) -> float:
    """`name_similarity` of two spellings whose keys are known."""
    if a.arabic or b.arabic:
        # Arabic script has no written vowels: only the consonant skeleton can be compared
        return _distinct_parts_checked(ARABIC_SKELETON_SIM if a.skeleton == b.skeleton else 0.0, a, b)
    if not a.phonetic or not b.phonetic:
        return 0.0
    if a.phonetic == b.phonetic:
        return 1.0
    similarity = float(Indel.normalized_similarity(a.phonetic, b.phonetic))
    if a.generic_rest is not None and b.generic_rest is not None:
        # "Hawsh al-Shalaq" vs "Hawsh as Salihiyah": compare what follows the generic word too
        similarity = min(similarity, float(Indel.normalized_similarity(a.generic_rest, b.generic_rest)))
    return _distinct_parts_checked(similarity, a, b)


def _distinct_parts_checked(similarity: float, a: Spelling, b: Spelling) -> float:
    """`similarity`, at most DISTINCT_PART_MISMATCH_SIM when both names start with a generic word and
    what follows it differs in skeleton ("Khirbet Umm" and خربة تمو share a skeleton, not a name), or when
    only one does and the skeletons differ ("Khirbet Umm" and "Harbatiye": the typo-edit would have to
    fall in the distinctive part)."""
    if a.generic_rest_key and b.generic_rest_key and a.generic_rest_key != b.generic_rest_key:
        return min(similarity, DISTINCT_PART_MISMATCH_SIM)
    if (a.generic_rest is None) != (b.generic_rest is None) and a.skeleton != b.skeleton:
        return min(similarity, DISTINCT_PART_MISMATCH_SIM)
    return similarity


# --- reading and writing ---------------------------------------------------------------------------------


def stored_names(place: Place) -> tuple[str, ...]:
    """The place's names as a file row gives them back (empty names dropped; the display name if none)."""
    return tuple(n for n in NAME_SEPARATOR.join(place.names).split(NAME_SEPARATOR) if n) or (place.name,)


def place_to_row(place: Place) -> list[str]:
    skeletons, phonetics = name_keys(stored_names(place))
    return [place.place_id, place.name, f"{place.lat:.6f}", f"{place.lon:.6f}", place.kind, place.admin1,
            place.admin2, place.parent_id, str(place.population or 0), str(place.geo_precision),
            ",".join(place.sources), NAME_SEPARATOR.join(place.names),
            NAME_SEPARATOR.join(skeletons), NAME_SEPARATOR.join(phonetics)]


def row_to_place(row: Sequence[str]) -> Place:
    (place_id, name, lat, lon, kind, admin1, admin2, parent_id, population, precision, sources,
     names) = row[:len(PLACE_COLUMNS)]
    return Place(place_id=place_id, name=name, lat=float(lat), lon=float(lon), kind=kind, admin1=admin1,
                 admin2=admin2, parent_id=parent_id, population=int(population or 0),
                 names=tuple(filter(None, names.split(NAME_SEPARATOR))) or (name,),
                 sources=tuple(filter(None, sources.split(","))), geo_precision=int(precision or 1))


def row_keys(row: Sequence[str], place: Place) -> NameKeys | None:
    """The stored keys of a row's names, or None when the row has none (a file from before they were
    stored) or they do not line up with the names."""
    if len(row) < len(COLUMNS):
        return None
    skeletons = tuple(row[len(PLACE_COLUMNS)].split(NAME_SEPARATOR))
    phonetics = tuple(row[len(PLACE_COLUMNS) + 1].split(NAME_SEPARATOR))
    if not len(skeletons) == len(phonetics) == len(place.names):
        return None
    return skeletons, phonetics


def write_places(places: Iterable[Place], path: Path) -> int:
    """Write places as gzipped TSV (deterministic: same input, same bytes). Returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for place in places:
        writer.writerow(place_to_row(place))
        count += 1
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(buffer.getvalue().encode("utf-8"))
    return count


def read_places(path: Path) -> Iterator[Place]:
    return (place for place, _ in read_places_with_keys(path))


def read_places_with_keys(path: Path) -> Iterator[tuple[Place, NameKeys | None]]:
    """Each place of a gazetteer file with its names' stored keys (None where the file has none). Files
    written before the keys were stored (without the key columns) are read too."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter="\t")
            header = next(reader, None)
            if header is None or tuple(header) not in (COLUMNS, PLACE_COLUMNS):
                raise GazetteerError(f"{path}: not a sitrep gazetteer file (unexpected header)")
            for number, row in enumerate(reader, 2):
                try:
                    place = row_to_place(row)
                except ValueError as e:
                    raise GazetteerError(f"{path}:{number}: bad row: {e}") from e
                yield place, row_keys(row, place)
    except (OSError, EOFError) as e:
        raise GazetteerError(f"{path}: cannot read gazetteer: {e}") from e


def _read_checked(path: Path) -> list[tuple[Place, NameKeys | None]]:
    """The places of one file with their stored keys, all keys dropped (to be recomputed) when a sample
    of them disagrees with the key functions: the file predates a change to them."""
    rows = list(read_places_with_keys(path))
    for place, keys in rows[::KEY_CHECK_STRIDE]:
        if keys is not None and keys != name_keys(place.names):
            log.warning("%s: stored name keys are stale (rebuild the file); recomputing them", path)
            return [(place, None) for place, _ in rows]
    return rows


def load_gazetteer(path: Path | str | None = None, *, extra: Iterable[Path | str] = (),
                   alias_files: Iterable[Path | str] | None = None) -> Gazetteer:
    """Load the shipped gazetteer (or `path`), then `extra` gazetteer files (e.g. imported GeoNames
    dumps), then alias files (the shipped district aliases when `alias_files` is None)."""
    from sitrep.geo.aliases import apply_alias_file

    base = Path(path) if path else DEFAULT_GAZETTEER
    if not base.exists():
        raise GazetteerError(f"{base}: gazetteer not found (run `sitrep gazetteer build`)")
    with collector_paused(collect_after=True):
        rows = _read_checked(base)
        for extra_path in extra:
            rows.extend(_read_checked(Path(extra_path)))
        gazetteer = Gazetteer([place for place, _ in rows], [keys for _, keys in rows])
        files = sorted(DEFAULT_ALIAS_DIR.glob("*.tsv")) if alias_files is None else [Path(a) for a in alias_files]
        for alias_path in files:
            apply_alias_file(gazetteer, alias_path)
    return gazetteer


def with_names(place: Place, names: Iterable[str]) -> Place:
    """The place with `names` added (no duplicates, order kept)."""
    merged = list(place.names)
    seen = {fold(n) for n in merged}
    for name in names:
        if name and fold(name) not in seen:
            merged.append(name)
            seen.add(fold(name))
    return replace(place, names=tuple(merged))
