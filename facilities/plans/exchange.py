"""A floor's plan as GeoJSON (read and written by the API, downloaded as a file) and as DXF (a download)."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import gettext as _

from facilities.api.serializers import number
from facilities.plans import geometry
from facilities.plans.rules import clean_geometry
from facilities.plans.services import FloorPlan
from facilities.validation import MAX_ID, ValidationError

MAX_FEATURES = 5_000  # a floor of 500 rooms is large; ten times that is not a floor


def feature_collection(plan: FloorPlan, georef: geometry.Georeference | None = None) -> dict[str, Any]:
    """The plan as a FeatureCollection: the floor's outline (role "floor"), then one feature per drawn space;
    in WGS84 longitude/latitude when `georef` is given, else in the building's local metres."""

    def shape(polygon, stored: dict | None) -> dict:
        if georef:
            return geometry.wgs84_geojson(polygon, georef)
        return stored if stored is not None else geometry.to_geojson(polygon)  # saved as GeoJSON already

    features = []
    floor = plan.floor
    if plan.outline is not None:
        features.append({"type": "Feature", "geometry": shape(plan.outline, plan.outline_geometry), "properties": {
            "role": "floor", "floor_id": floor.id, "level": floor.level, "name": floor.name,
            "area_m2": number(floor.area_m2), "drawn_area_m2": number(plan.outline_area_m2)}})
    for room in plan.rooms:
        space = room.space
        features.append({"type": "Feature", "geometry": shape(room.shape, room.geometry), "properties": {
            "role": "space", "space_id": space.id, "code": space.code, "name": space.name, "type": space.space_type,
            "area_m2": number(space.area_m2), "drawn_area_m2": number(room.drawn_area_m2),
            "is_public": space.is_public, "step_free": space.step_free, "workstations": space.workstations}})
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features,
                                  "crs_name": "EPSG:4326" if georef else "local-metres"}
    return collection


def read_feature_collection(body: Any) -> tuple[Any, dict[int, Any]]:
    """(the floor's outline or None, {space_id: outline}) from a FeatureCollection a client sends, or
    ValidationError naming the feature at fault."""
    if not isinstance(body, dict) or body.get("type") != "FeatureCollection" or not isinstance(
            body.get("features"), list):
        raise ValidationError({"type": _("must be a GeoJSON FeatureCollection with a list of features")})
    features = body["features"]
    if len(features) > MAX_FEATURES:
        raise ValidationError({"features": _("at most %(n)s features", n=MAX_FEATURES)})
    outline, rooms, errors = None, {}, {}
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or feature.get("type") != "Feature" or not isinstance(properties, dict):
            errors[where] = _("must be a GeoJSON Feature with properties")
            continue
        role = properties.get("role")
        try:
            shape = clean_geometry(feature.get("geometry"), f"{where}.geometry")
        except ValidationError as error:
            errors.update(error.errors)
            continue
        if role == "floor":
            if outline is not None:
                errors[where] = _("only one feature may have the role floor")
            outline = shape
        elif role == "space":
            space_id = properties.get("space_id")
            if isinstance(space_id, bool) or not isinstance(space_id, int) or not 0 < space_id <= MAX_ID:
                errors[f"{where}.properties.space_id"] = _("must be the id of a space of this floor")
            elif space_id in rooms:
                errors[f"{where}.properties.space_id"] = _("space %(id)s is drawn twice", id=space_id)
            else:
                rooms[space_id] = shape
        else:
            errors[f"{where}.properties.role"] = _("must be floor or space")
    if errors:
        raise ValidationError(dict(list(errors.items())[:20]))
    return outline, rooms


def dxf_bytes(plan: FloorPlan) -> bytes:
    """The plan as a DXF drawing in metres: the floor's outline on layer FLOOR, each room a closed polyline on
    layer ROOMS with its code as a text inside (the layout the DXF import reads back)."""
    import ezdxf
    from ezdxf import units

    document = ezdxf.new("R2010")
    document.units = units.M
    document.layers.add("FLOOR", color=7)
    document.layers.add("ROOMS", color=5)
    document.layers.add("CODES", color=1)
    model = document.modelspace()
    if plan.outline is not None:
        model.add_lwpolyline(list(plan.outline.exterior.coords)[:-1], close=True, dxfattribs={"layer": "FLOOR"})
    for room in plan.rooms:
        model.add_lwpolyline(list(room.shape.exterior.coords)[:-1], close=True, dxfattribs={"layer": "ROOMS"})
        x, y = geometry.label_point(room.shape)
        model.add_text(room.space.code, height=geometry.label_size(room.shape),
                       dxfattribs={"layer": "CODES"}).set_placement((x, y))
    stream = io.StringIO()
    document.write(stream)
    return stream.getvalue().encode("utf-8")
