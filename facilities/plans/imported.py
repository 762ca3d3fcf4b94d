"""What an IFC or DXF file holds, read into plain data (storeys, spaces, outlines in metres) before anything is
compared with the inventory: the readers (ifc.py, dxf.py) fill it, the planner (importer.py) compares it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shapely.geometry import Polygon

from facilities.plans.geometry import Georeference


class FileRefused(Exception):
    """The file cannot be imported at all (not an IFC/DXF, no storey, unknown units…): one clear message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportedSpace:
    code: str
    name: str
    area_m2: Decimal | None  # declared in the file (base quantities), else None
    outline: Polygon | None  # in metres, in the building's local coordinates
    hints: list[str] = field(default_factory=list)  # texts that say its type: long name, name, classification
    where: str = ""  # how the file names it, for messages (#123, a DXF handle)


@dataclass
class ImportedStorey:
    name: str
    elevation_m: float
    spaces: list[ImportedSpace] = field(default_factory=list)
    outline: Polygon | None = None
    level: int = 0  # set by the planner: 0 for the ground floor, by elevation


@dataclass
class ImportedModel:
    source: str  # "ifc" or "dxf"
    storeys: list[ImportedStorey] = field(default_factory=list)
    georeference: Georeference | None = None
    schema: str = ""
    problems: list[str] = field(default_factory=list)  # refusals found while reading (a space without geometry…)
