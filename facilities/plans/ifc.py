"""Read an IFC file (IFC2X3 or IFC4) with IfcOpenShell: storeys with their elevation, spaces with their code
(Name), name (LongName), declared area (base quantities), outline (the footprint of their geometry, in metres)
and the texts that say their type; the site's reference latitude and longitude as the georeference."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from flask_babel import gettext as _

from facilities.plans import geometry
from facilities.plans.imported import FileRefused, ImportedModel, ImportedSpace, ImportedStorey

SCHEMAS = ("IFC2X3", "IFC4", "IFC4X3")
AREA_QUANTITIES = ("NetFloorArea", "GrossFloorArea")


def looks_like_ifc(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(64).lstrip().startswith(b"ISO-10303-21")


def read(path: Path) -> ImportedModel:
    """The storeys and spaces of an IFC file, or FileRefused saying why it cannot be imported."""
    import ifcopenshell
    import ifcopenshell.util.unit

    if not looks_like_ifc(path):
        raise FileRefused(_("This is not an IFC file (an IFC file starts with ISO-10303-21)."))
    try:
        model = ifcopenshell.open(str(path))
    except Exception:  # IfcOpenShell raises several kinds for unreadable files
        raise FileRefused(_("This IFC file cannot be read: it is damaged or not in the STEP format.")) from None
    if model.schema not in SCHEMAS:
        raise FileRefused(_("IFC schema %(schema)s is not supported (IFC2X3 and IFC4 are).", schema=model.schema))
    length_scale, area_scale = _unit_scales(model)
    result = ImportedModel("ifc", schema=model.schema, georeference=_georeference(model))
    storeys = model.by_type("IfcBuildingStorey")
    if not storeys:
        raise FileRefused(_("The IFC file has no storey (IfcBuildingStorey)."))
    settings = _geometry_settings()
    for storey in storeys:
        imported = ImportedStorey(storey.Name or storey.LongName or f"#{storey.id()}",
                                  float(storey.Elevation or 0) * length_scale)
        for space in _spaces_of(storey):
            imported.spaces.append(_space(space, settings, area_scale, result.problems))
        result.storeys.append(imported)
    if not any(storey.spaces for storey in result.storeys):
        raise FileRefused(_("The IFC file has no space (IfcSpace) on its storeys."))
    return result


def _unit_scales(model) -> tuple[float, float]:
    """Metres per project length unit and square metres per project area unit; FileRefused when unknown."""
    import ifcopenshell.util.unit

    assignment = model.by_type("IfcUnitAssignment")
    lengths = [unit for unit in (assignment[0].Units if assignment else ()) if getattr(unit, "UnitType", None) ==
               "LENGTHUNIT"]
    if not lengths:
        raise FileRefused(_("The IFC file declares no length unit: its coordinates cannot be read as metres."))
    try:
        length = ifcopenshell.util.unit.calculate_unit_scale(model, "LENGTHUNIT")
        area = ifcopenshell.util.unit.calculate_unit_scale(model, "AREAUNIT")
    except Exception:
        raise FileRefused(_("The IFC file's units are not known: its coordinates cannot be read as metres.")) from None
    if not length or length <= 0:
        raise FileRefused(_("The IFC file's units are not known: its coordinates cannot be read as metres."))
    return length, area or length * length


def _georeference(model) -> geometry.Georeference | None:
    import ifcopenshell.util.geolocation

    sites = model.by_type("IfcSite")
    site = sites[0] if sites else None
    if site is None or not site.RefLatitude or not site.RefLongitude:
        return None
    latitude = ifcopenshell.util.geolocation.dms2dd(*_padded(site.RefLatitude))
    longitude = ifcopenshell.util.geolocation.dms2dd(*_padded(site.RefLongitude))
    rotation = 0.0
    for context in model.by_type("IfcGeometricRepresentationContext"):
        north = getattr(context, "TrueNorth", None)
        if north is not None and context.is_a() == "IfcGeometricRepresentationContext":
            ratios = north.DirectionRatios
            rotation = geometry.rotation_from_true_north(ratios[0], ratios[1])
            break
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return geometry.Georeference(round(latitude, 8), round(longitude, 8), rotation)


def _padded(angle) -> tuple[int, int, int, int]:
    parts = list(angle) + [0] * (4 - len(angle))
    return tuple(parts[:4])  # type: ignore[return-value]


def _spaces_of(storey) -> list:
    """The spaces of a storey: aggregated under it (IFC usage) or contained in it (some exporters)."""
    import ifcopenshell.util.element

    found = [part for part in ifcopenshell.util.element.get_decomposition(storey) if part.is_a("IfcSpace")]
    return sorted(found, key=lambda space: (space.Name or "", space.id()))


def _geometry_settings():
    import ifcopenshell.geom

    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    return settings


def _space(space, settings, area_scale: float, problems: list[str]) -> ImportedSpace:
    import ifcopenshell.util.classification
    import ifcopenshell.util.element

    code = (space.Name or "").strip()
    where = f"IfcSpace #{space.id()}" + (f" {code}" if code else "")
    outline = _footprint(space, settings) if space.Representation else None
    area = _declared_area(space, area_scale)
    if not code:
        problems.append(_("%(where)s has no Name, which gives the space's code.", where=where))
    if outline is None and area is None:
        problems.append(_("%(where)s has neither geometry nor a base quantity of area.", where=where))
    hints = [text for text in (space.LongName, space.Name, getattr(space, "ObjectType", None)) if text]
    for reference in ifcopenshell.util.classification.get_references(space):
        hints += [text for text in (getattr(reference, "Identification", None) or getattr(reference, "ItemReference",
                                                                                              None),
                                    reference.Name) if text]
    return ImportedSpace(code[:40], (space.LongName or code or "")[:200], area, outline, hints, where)


def _declared_area(space, area_scale: float) -> Decimal | None:
    import ifcopenshell.util.element

    for quantities in ifcopenshell.util.element.get_psets(space, qtos_only=True).values():
        for name in AREA_QUANTITIES:
            value = quantities.get(name)
            if isinstance(value, (int, float)) and value > 0:
                return Decimal(repr(value * area_scale)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return None


def _footprint(space, settings):
    """The space's outline seen from above: the union of its geometry's triangles projected on the ground."""
    import ifcopenshell.geom
    import numpy as np
    import shapely
    from shapely.geometry import Polygon

    try:
        shape = ifcopenshell.geom.create_shape(settings, space)
    except Exception:  # no body the geometry engine can read
        return None
    vertices = np.asarray(shape.geometry.verts, dtype=float).reshape(-1, 3)[:, :2]
    faces = np.asarray(shape.geometry.faces, dtype=int).reshape(-1, 3)
    triangles = [Polygon(vertices[face]) for face in faces]
    triangles = [triangle for triangle in triangles if triangle.area > 1e-6]
    if not triangles:
        return None
    merged = shapely.union_all(triangles, grid_size=0.001)
    return geometry.repaired(merged.simplify(0.001))
