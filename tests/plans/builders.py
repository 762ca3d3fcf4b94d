"""IFC and DXF files built by code (ifcopenshell.api, ezdxf) for the import tests and the benchmark: no binary
fixture of unknown origin."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Room:
    code: str
    long_name: str | None
    corners: list[tuple[float, float]]  # metres
    net_area_m2: float | None = None  # the base quantity, when given
    classification: str | None = None
    drawn: bool = True  # False: no geometry


@dataclass
class Storey:
    name: str
    elevation_m: float
    rooms: list[Room] = field(default_factory=list)


def rectangle(x: float, y: float, width: float, depth: float) -> list[tuple[float, float]]:
    return [(x, y), (x + width, y), (x + width, y + depth), (x, y + depth)]


def build_ifc(path: Path, storeys: list[Storey], *, schema: str = "IFC4", millimetres: bool = False,
              site: tuple[float, float] | None = (48.9127, 2.2871), true_north: tuple[float, float] | None = None,
              with_units: bool = True) -> Path:
    """An IFC file: a project, a site (with its reference latitude/longitude), a building, its storeys and their
    spaces, each space an extruded polygon (2.5 m high) with, when given, its base quantity NetFloorArea."""
    import ifcopenshell
    import ifcopenshell.api.aggregate
    import ifcopenshell.api.classification
    import ifcopenshell.api.context
    import ifcopenshell.api.geometry
    import ifcopenshell.api.pset
    import ifcopenshell.api.root
    import ifcopenshell.api.unit
    import numpy as np

    model = ifcopenshell.file(schema=schema)
    if schema == "IFC2X3":  # IFC2X3 requires an owner history on every rooted entity
        import ifcopenshell.api.owner
        import ifcopenshell.api.owner.settings as owner

        person = ifcopenshell.api.owner.add_person(model)
        organisation = ifcopenshell.api.owner.add_organisation(model)
        ifcopenshell.api.owner.add_person_and_organisation(model, person=person, organisation=organisation)
        ifcopenshell.api.owner.add_application(model)
        owner.get_user = lambda f: (f.by_type("IfcPersonAndOrganization") or [None])[0]
        owner.get_application = lambda f: (f.by_type("IfcApplication") or [None])[0]
    project = ifcopenshell.api.root.create_entity(model, ifc_class="IfcProject", name="Test project")
    scale = 1000.0 if millimetres else 1.0
    if with_units:
        length = model.createIfcSIUnit(None, "LENGTHUNIT", "MILLI" if millimetres else None, "METRE")
        area = model.createIfcSIUnit(None, "AREAUNIT", None, "SQUARE_METRE")
        ifcopenshell.api.unit.assign_unit(model, units=[length, area])
    context = ifcopenshell.api.context.add_context(model, context_type="Model")
    body = ifcopenshell.api.context.add_context(model, context_type="Model", context_identifier="Body",
                                                target_view="MODEL_VIEW", parent=context)
    if true_north is not None:
        context.TrueNorth = model.createIfcDirection(true_north)
    site_entity = ifcopenshell.api.root.create_entity(model, ifc_class="IfcSite", name="Site")
    if site is not None:
        site_entity.RefLatitude = _dms(site[0])
        site_entity.RefLongitude = _dms(site[1])
    building = ifcopenshell.api.root.create_entity(model, ifc_class="IfcBuilding", name="Building")
    ifcopenshell.api.aggregate.assign_object(model, products=[site_entity], relating_object=project)
    ifcopenshell.api.aggregate.assign_object(model, products=[building], relating_object=site_entity)
    system = None
    for storey in storeys:
        entity = ifcopenshell.api.root.create_entity(model, ifc_class="IfcBuildingStorey", name=storey.name)
        entity.Elevation = storey.elevation_m * scale
        ifcopenshell.api.aggregate.assign_object(model, products=[entity], relating_object=building)
        for room in storey.rooms:
            space = ifcopenshell.api.root.create_entity(model, ifc_class="IfcSpace", name=room.code)
            space.LongName = room.long_name
            ifcopenshell.api.aggregate.assign_object(model, products=[space], relating_object=entity)
            matrix = np.eye(4)
            matrix[2, 3] = storey.elevation_m
            ifcopenshell.api.geometry.edit_object_placement(model, product=space, matrix=matrix)
            if room.drawn:
                shape = ifcopenshell.api.geometry.add_slab_representation(
                    model, context=body, depth=2.5, polyline=[(x, y) for x, y in room.corners])
                ifcopenshell.api.geometry.assign_representation(model, product=space, representation=shape)
            if room.net_area_m2 is not None:
                name = "Qto_SpaceBaseQuantities" if schema != "IFC2X3" else "BaseQuantities"
                qto = ifcopenshell.api.pset.add_qto(model, product=space, name=name)
                ifcopenshell.api.pset.edit_qto(model, qto=qto, properties={"NetFloorArea": room.net_area_m2})
            if room.classification:
                if system is None:
                    system = ifcopenshell.api.classification.add_classification(model, classification="Uniclass")
                ifcopenshell.api.classification.add_reference(model, products=[space], classification=system,
                                                              identification=room.classification,
                                                              name=room.classification)
    model.write(str(path))
    return path


def _dms(value: float) -> tuple[int, int, int, int]:
    degrees = int(value)
    rest = (value - degrees) * 60
    minutes = int(rest)
    seconds_float = (rest - minutes) * 60
    seconds = int(seconds_float)
    return degrees, minutes, seconds, int(round((seconds_float - seconds) * 1_000_000))


def build_dxf(path: Path, rooms: list[tuple[str, list[tuple[float, float]]]], *, layer: str = "ROOMS",
              scale: float = 1.0, open_codes: tuple[str, ...] = (), extra_layers: bool = True) -> Path:
    """A DXF drawing: each room a closed polyline on `layer` with its code as a text inside (coordinates times
    `scale`: 1000 for a drawing in millimetres); rooms named in `open_codes` are drawn as open polylines."""
    import ezdxf

    document = ezdxf.new("R2010")
    document.layers.add(layer)
    model = document.modelspace()
    for code, corners in rooms:
        points = [(x * scale, y * scale) for x, y in corners]
        model.add_lwpolyline(points, close=code not in open_codes, dxfattribs={"layer": layer})
        cx = sum(x for x, _y in points) / len(points)
        cy = sum(y for _x, y in points) / len(points)
        model.add_text(code, height=0.3 * scale, dxfattribs={"layer": "TEXT"}).set_placement((cx, cy))
    if extra_layers:  # furniture on another layer, which the import ignores
        document.layers.add("FURNITURE")
        model.add_lwpolyline([(0, 0), (scale, 0), (scale, scale)], close=True, dxfattribs={"layer": "FURNITURE"})
    document.saveas(str(path))
    return path
