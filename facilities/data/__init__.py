"""Data files shipped inside the package, so that an installed wheel has them (source and licence: README.md)."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
# The 36 communes of Hauts-de-Seine, properties `code` (INSEE) and `nom`: Licence Ouverte, IGN ADMIN EXPRESS.
COMMUNES_92 = DATA_DIR / "communes-92.geojson"
