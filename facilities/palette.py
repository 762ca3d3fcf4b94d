"""Colours that carry meaning, declared once for the map, the charts, the pages' CSS and the PDFs (pure Python).

The DPE classes use the colours of the official label (arrêté du 31 mars 2021 relatif aux méthodes et
procédures applicables au diagnostic de performance énergétique, annex "étiquette énergie"). The letter is
always written next to the colour: colour never carries the class alone.
"""

from __future__ import annotations

DPE_COLORS = {"A": "#009c6d", "B": "#52b153", "C": "#78bd76", "D": "#f4e70f", "E": "#f0b50f", "F": "#eb8235",
              "G": "#d7221f"}
# The text written on each colour, chosen for contrast: white on the dark ends, black elsewhere.
DPE_TEXT_COLORS = {letter: "#fff" if letter in ("A", "G") else "#000" for letter in DPE_COLORS}
NO_DPE_COLOR = "#e9ecef"  # a building without a class


def dpe_css() -> str:
    """The pages' stylesheet of the DPE badges (`<span class="dpe-letter" data-dpe="B">`), from the palette.

    Served as /css/palette.css: the pages' Content-Security-Policy refuses style attributes."""
    rules = [f'.dpe-letter[data-dpe="{letter}"] {{ background-color: {color}; color: {DPE_TEXT_COLORS[letter]}; }}'
             for letter, color in DPE_COLORS.items()]
    unknown = "".join(f':not([data-dpe="{letter}"])' for letter in DPE_COLORS)
    rules.append(f".dpe-letter{unknown} {{ background-color: {NO_DPE_COLOR}; color: #000; }}")
    return "/* Generated from facilities/palette.py: the one source of these colours. */\n" + "\n".join(rules) + "\n"
