"""`/api/sides`: the conflict profile's sides as the map page draws and names them, for a day.

The page has no side list of its own: each side's id, its neutral label on the day asked for ("Assad
government forces" before 8 December 2024, "Syrian transitional government forces" after), its colour and
whether it can hold ground come from the profile the settings choose (`conflict`, with the user's overlay
under `data_home`), so a side an overlay adds is drawn in its own colour.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from sitrep.api.context import ApiContext, checked_date, context
from sitrep.conflict import ConflictProfile
from sitrep.overlays import profile_files

router = APIRouter(tags=["catalog"])


class LabelPeriod(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)

    label: str
    from_: date | None = Field(default=None, alias="from")  # first day it holds; null: from the start
    until: date | None = None  # last day it holds; null: still


class SideItem(BaseModel):
    id: str  # the value of actor1_side, actor2_side and a control state's side
    label: str  # sitrep's neutral name for it on the day asked for
    labels: list[LabelPeriod]  # its label by date, where its forces changed (so a page can label any day)
    colour: str  # "#RRGGBB", the colour of its places and areas on the map
    holds_ground: bool  # whether it can hold a place (appear on the control map)
    state: bool  # whether it is the state


class SideList(BaseModel):
    conflict: str  # the profile's name (setting `conflict`)
    date: date | None  # the day the labels are for; null: each side's one label
    items: list[SideItem]


@router.get("/api/sides", response_model=SideList)
def list_sides(ctx: Annotated[ApiContext, Depends(context)],
               day: Annotated[date | None, Query(alias="date", description="label the sides as on this day")] = None
               ) -> SideList:
    """Every side of the conflict profile, in the profile's order, labelled as on `date`."""
    checked_date(ctx.settings, day, "date")
    profile = ctx.remember(("conflict profile",), lambda: _profile(ctx))
    items = [SideItem(id=s.id, label=profile.label(s.id, day), colour=s.colour, holds_ground=s.holds_ground,
                      state=s.state, labels=_labels(profile, s.id)) for s in profile.sides.values()]
    return SideList(conflict=profile.name, date=day, items=items)


def _labels(profile: ConflictProfile, side: str) -> list[LabelPeriod]:
    return [LabelPeriod.model_validate({"label": str(p.value), "from": p.start, "until": p.end})
            for p in profile.side_labels.get(side, ())]


def _profile(ctx: ApiContext) -> ConflictProfile:
    """The settings' profile with the user's overlay on top, as extraction reads it (`sitrep.overlays`)."""
    return profile_files(Path(ctx.settings.data_home), ctx.settings.conflict).load_profile()
