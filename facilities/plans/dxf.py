"""Read a DXF drawing with ezdxf: the closed polylines of one layer are rooms, the text inside each gives its
code, and the drawing unit (mm, cm or m) scales the coordinates to metres. A DXF holds one floor."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from facilities.plans import geometry
from facilities.plans.imported import FileRefused, ImportedModel, ImportedSpace, ImportedStorey
from facilities.plans.rules import problem_message

UNITS = {"mm": 0.001, "cm": 0.01, "m": 1.0}
MAX_ROOMS = 5_000


def read(path: Path, layer: str | None, unit: str, storey_name: str = "") -> ImportedModel:
    """The rooms of one layer of a DXF file, in metres; FileRefused saying why not."""
    import ezdxf
    from shapely.geometry import Point

    if unit not in UNITS:
        raise FileRefused(_("Unknown drawing unit %(unit)s: use mm, cm or m.", unit=unit[:10]))
    try:
        document = ezdxf.readfile(str(path))
    except (OSError, ezdxf.DXFError, UnicodeDecodeError, ValueError):
        raise FileRefused(_("This is not a DXF file ezdxf can read.")) from None
    layers = sorted({entity.dxf.layer for entity in document.modelspace().query("LWPOLYLINE POLYLINE")})
    if not layer:
        if len(layers) != 1:
            raise FileRefused(_("Choose the layer of the rooms: the drawing has polylines on %(layers)s.",
                                layers=", ".join(layers[:20]) or "—"))
        layer = layers[0]
    elif layer not in layers:
        raise FileRefused(_("The drawing has no polyline on layer %(layer)s; its layers with polylines: "
                            "%(layers)s.", layer=layer[:60], layers=", ".join(layers[:20]) or "—"))
    scale = UNITS[unit]
    model = ImportedModel("dxf")
    storey = ImportedStorey(storey_name or layer, 0.0)
    texts = []
    for text in document.modelspace().query("TEXT MTEXT"):
        content = (text.plain_text() if text.dxftype() == "MTEXT" else text.dxf.text).strip()
        if content:
            insert = text.dxf.insert
            texts.append((Point(insert[0] * scale, insert[1] * scale), content))
    shapes = []
    for entity in document.modelspace().query(f'LWPOLYLINE POLYLINE[layer=="{layer}"]'):
        where = f"{entity.dxftype()} #{entity.dxf.handle}"
        points = [(point[0] * scale, point[1] * scale) for point in _points(entity)]
        if not entity.closed and not (len(points) > 3 and points[0] == points[-1]):
            model.problems.append(_("%(where)s on layer %(layer)s is an open polyline: close it to make a room.",
                                    where=where, layer=layer))
            continue
        try:
            shapes.append((where, geometry.polygon_from_points(points)))
        except geometry.GeometryProblem as problem:
            model.problems.append(f"{where}: {problem_message(problem)}")
    if len(shapes) > MAX_ROOMS:
        raise FileRefused(_("The layer holds more than %(n)s rooms.", n=MAX_ROOMS))
    if not shapes and not model.problems:
        raise FileRefused(_("Layer %(layer)s has no closed polyline to import.", layer=layer))
    for where, shape in shapes:
        inside = [content for point, content in texts if shape.contains(point)]
        code = inside[0] if inside else ""
        if not code:
            model.problems.append(_("%(where)s has no text inside to give its code.", where=where))
        storey.spaces.append(ImportedSpace(code[:40], (inside[1] if len(inside) > 1 else code)[:200], None, shape,
                                           inside[1:], where))
    model.storeys.append(storey)
    return model


def _points(entity) -> list[tuple[float, float]]:
    if entity.dxftype() == "LWPOLYLINE":
        return [(x, y) for x, y, *_rest in entity.get_points("xy")]
    return [(vertex.dxf.location[0], vertex.dxf.location[1]) for vertex in entity.vertices]
