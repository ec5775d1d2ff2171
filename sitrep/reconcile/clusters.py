"""Which matching reports form one merged event: complete-link clusters, deterministic whatever the order.

`same_happening` is a pairwise test with tolerances (date precision, reporting lag, a district within its
city), so it does not chain safely: a siege tightened on the 28th matches a report dated only by its
publication on the 29th, which matches one of civilians leaving on the 30th. Single-link merging would put
all three in one event. Here a report joins a merged event only if it is `compatible` with every report
already in it, and links are taken surest first (`link_order`), so the clusters are a function of the set
of reports alone: the same for every arrival order, provided the set is a whole connected component of the
`same_happening` graph (merge.py gathers the component before clustering).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from sitrep.reconcile.matching import compatible, link_order, same_happening
from sitrep.reconcile.report import Report


def cluster_reports(reports: Sequence[Report]) -> list[list[Report]]:
    """Partition `reports` into merged events, each sorted by event_id, the list sorted by first event_id."""
    ordered = sorted({r.event_id: r for r in reports}.values(), key=lambda r: r.event_id)
    position = {r.event_id: i for i, r in enumerate(ordered)}
    links = sorted(((a, b) for a, b in combinations(ordered, 2) if same_happening(a, b)),
                   key=lambda pair: link_order(*pair))
    # Pairs from two documents were all tested above: a complete-link check reads their answers back
    # instead of testing each again (a component of k reports of one happening costs k^2/2 tests, not k^2).
    linked = {(position[a.event_id], position[b.event_id]) for a, b in links}
    cluster_of = {r.event_id: i for i, r in enumerate(ordered)}
    members: dict[int, list[Report]] = {i: [r] for i, r in enumerate(ordered)}
    for a, b in links:
        first, second = cluster_of[a.event_id], cluster_of[b.event_id]
        if first == second or not _all_compatible(members[first], members[second], position, linked):
            continue
        keep, absorbed = min(first, second), max(first, second)
        for report in members.pop(absorbed):
            cluster_of[report.event_id] = keep
            members[keep].append(report)
    groups = [sorted(group, key=lambda r: r.event_id) for group in members.values()]
    return sorted(groups, key=lambda group: group[0].event_id)


def _all_compatible(left: Sequence[Report], right: Sequence[Report], position: dict[str, int],
                    linked: set[tuple[int, int]]) -> bool:
    """Complete link: every report of one cluster agrees with every report of the other (for two reports
    of different documents, whether they were linked; for two of one document, `compatible`)."""
    for a in left:
        i = position[a.event_id]
        for b in right:
            if a.document_key == b.document_key:
                if not compatible(a, b):
                    return False
                continue
            j = position[b.event_id]
            if (min(i, j), max(i, j)) not in linked:
                return False
    return True
