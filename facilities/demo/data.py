"""The demo portfolio, built from the département's press releases (see shared/sources/facts.md).

Figures the sources give are entered as facts with their provenance; what they do not give (room layouts,
most areas, coordinates, other hubs' services) is filled in plausibly and marked illustrative.
"""

from __future__ import annotations

from datetime import date

ASNIERES_RELEASE = "Communiqué de presse du Département des Hauts-de-Seine, Nanterre, 6 juin 2023"
CLICHY_RELEASE = "Communiqué de presse du Département des Hauts-de-Seine, 23 avril 2024"
ILLUSTRATIVE = "Données de démonstration illustratives (absentes des documents sources)"

DEMO_USERS = [
    {"email": "admin@demo.example", "role": "admin", "password": "demo-admin-2026"},
    {"email": "facilities@demo.example", "role": "facilities_manager", "password": "demo-facilities-2026"},
    {"email": "architect@demo.example", "role": "architect", "password": "demo-architect-2026"},
    {"email": "director@demo.example", "role": "director", "password": "demo-director-2026"},
    # Assigned to Asnières' site (facilities/requests/demo.py): raises and follows work requests there.
    {"email": "requester@demo.example", "role": "requester", "password": "demo-requester-2026"},
]


def _space(code, name, space_type, area_m2, **extra):
    return {"code": code, "name": name, "space_type": space_type, "area_m2": str(area_m2), **extra}


def _asnieres_floors() -> list[dict]:
    """7 floors, 2 public (248 and 181 m²): 10 interview offices, 2 digital spaces with 4 PCs, 3 mediation
    spaces, 4 medical cabinets (1 for the sexual-health centre) and 96 workstations, as published."""
    ground = [
        _space("0.01", "Accueil", "reception", 40, is_public=True, workstations=0),
        _space("0.02", "Salle d'attente", "waiting_area", 35, is_public=True),
        *[_space(f"0.1{i}", f"Bureau d'entretien {i}", "interview_office", 12, is_public=True) for i in range(1, 6)],
        _space("0.21", "Espace numérique 1", "digital_space", 12, is_public=True, pcs=2,
               equipment="2 PC en libre-service, imprimante"),
        _space("0.22", "Espace numérique 2", "digital_space", 12, is_public=True, pcs=2,
               equipment="2 PC en libre-service"),
        _space("0.31", "Espace de médiation parents-enfants 1", "mediation_space", 18, is_public=True),
        _space("0.90", "Sanitaires publics", "sanitary", 12, is_public=True),
    ]
    first = [
        _space("1.02", "Salle d'attente PMI", "waiting_area", 20, is_public=True),
        *[_space(f"1.1{i}", f"Bureau d'entretien {i + 5}", "interview_office", 12, is_public=True) for i in range(1, 6)],
        _space("1.31", "Espace de médiation parents-enfants 2", "mediation_space", 18, is_public=True),
        _space("1.32", "Espace de médiation parents-enfants 3", "mediation_space", 18, is_public=True),
        _space("1.41", "Cabinet médical – santé sexuelle", "medical_cabinet", 14, is_public=True,
               specialty="sexual_health", equipment="Table d'examen, point d'eau"),
        *[_space(f"1.4{i}", f"Cabinet médical PMI {i - 1}", "medical_cabinet", 14, is_public=True, specialty="pmi",
                 equipment="Table d'examen, pèse-bébé") for i in range(2, 5)],
    ]
    floors = [
        {"level": 0, "name": "RDC", "area_m2": "248", "is_public": True, "spaces": ground},
        {"level": 1, "name": "R+1", "area_m2": "181", "is_public": True, "spaces": first},
    ]
    # Staff floors: 4 open-plan offices of 5, 5, 5 and 4 desks on each of levels 2 to 6, one more desk on
    # level 6: 5 × 19 + 1 = 96 workstations.
    for level in range(2, 7):
        desks = [5, 5, 5, 5 if level == 6 else 4]
        spaces = [
            _space(f"{level}.0{i + 1}", f"Bureaux R+{level} – plateau {i + 1}", "office", 9 * count, workstations=count,
                   step_free=True)
            for i, count in enumerate(desks)
        ]
        spaces.append(_space(f"{level}.20", f"Salle de réunion R+{level}", "meeting_room", 20))
        spaces.append(_space(f"{level}.90", f"Local technique R+{level}", "technical", 6))
        floors.append({"level": level, "name": f"R+{level}", "area_m2": "260", "is_public": False, "spaces": spaces})
    return floors


def _clichy_floors() -> list[dict]:
    """Only the two multimedia spaces are in the source; the rest of the layout is illustrative."""
    return [
        {"level": 0, "name": "RDC", "area_m2": "320", "is_public": True, "spaces": [
            _space("0.01", "Accueil mutualisé Clichy-Levallois", "reception", 45, is_public=True),
            _space("0.02", "Salle d'attente", "waiting_area", 40, is_public=True),
            _space("0.21", "Espace multimédia 1", "digital_space", 15, is_public=True, pcs=3),
            _space("0.22", "Espace multimédia 2", "digital_space", 15, is_public=True, pcs=3),
            *[_space(f"0.1{i}", f"Bureau d'entretien {i}", "interview_office", 12, is_public=True) for i in range(1, 7)],
        ]},
        {"level": 1, "name": "R+1", "area_m2": "300", "is_public": True, "spaces": [
            _space("1.41", "Cabinet médical PMI 1", "medical_cabinet", 14, is_public=True, specialty="pmi"),
            _space("1.42", "Cabinet médical PMI 2", "medical_cabinet", 14, is_public=True, specialty="pmi"),
            _space("1.31", "Espace de médiation", "mediation_space", 18, is_public=True),
        ]},
        {"level": 2, "name": "R+2", "area_m2": "300", "is_public": False, "spaces": [
            _space("2.01", "Bureaux – plateau 1", "office", 110, workstations=12),
            _space("2.02", "Bureaux – plateau 2", "office", 110, workstations=12),
        ]},
    ]


def _hub(code, name, commune_code, commune_name, lat, lon, status, note, services=("pmi", "ase", "social_action"),
         **building):
    """A hub the sources name without details: everything but its name, commune and role is illustrative."""
    return {
        "code": code, "name": name, "kind": "social_hub", "status": status,
        "commune_code": commune_code, "commune_name": commune_name,
        "communes_served": f"{commune_code} {commune_name}",
        "latitude": lat, "longitude": lon, "location_precision": "commune",
        "services": list(services),
        "provenance_source": ASNIERES_RELEASE, "provenance_date": "2023-06-06", "illustrative": True,
        "provenance_note": note,
        "buildings": [{"code": f"{code}-B1", "name": name, "gross_floor_area_m2": "1400", "illustrative": True,
                       "activity_category": "offices", "provenance_note": ILLUSTRATIVE, "floors": [], **building}],
    }


def _published(source: str, day: str, reference: str, figures: list[tuple[str, str, str]]) -> list[dict]:
    return [{"figure": figure, "value": value, "source": source, "published_on": day, "reference": reference,
             "note": wording} for figure, value, wording in figures]


# The figures the press releases publish (/work/shared/sources/facts.md), as they word them: facts, not illustrative;
# the inventory is compared with them (facilities/inventory/published.py).
ASNIERES_PUBLISHED = _published(ASNIERES_RELEASE, "2023-06-06", "pole-social-asnieres-gennevilliers-2023", [
    ("floors", "7", "« 7 étages dont 2 étages dédiés au public de 181 à 248 m² »"),
    ("public_floors", "2", "« 7 étages dont 2 étages dédiés au public de 181 à 248 m² »"),
    ("interview_offices", "10", "« 10 bureaux d'entretien »"),
    ("digital_spaces", "2", "« 2 espaces numériques en libre-service, avec 4 PC reliés »"),
    ("public_pcs", "4", "« 2 espaces numériques en libre-service, avec 4 PC reliés »"),
    ("mediation_spaces", "3", "« 3 espaces de médiation Parents / enfants »"),
    ("medical_cabinets", "4", "« 4 cabinets médicaux, dont un pour le Centre de santé sexuelle »"),
    ("workstations", "96", "« 96 postes de travail »"),
    ("cost_eur", "11320000", "« 11,32 M€ » pour l'acquisition et l'aménagement"),
])
CLICHY_PUBLISHED = _published(CLICHY_RELEASE, "2024-04-23", "pole-social-clichy-2024", [
    ("digital_spaces", "2", "« deux espaces multimédia »"),
    ("cost_eur", "17600000", "« Le Département des Hauts-de-Seine a investi 17,6 millions d'euros »"),
])


# A mixed building (Décret tertiaire: only the tertiary floor area counts, never the housing).
MIXED_BUILDING = {
    "tertiary_area_m2": "900", "housing_area_m2": "500",
    "provenance_note": "Exemple illustratif (inventé) d'un bâtiment mixte : 900 m² de bureaux et 500 m² de logements "
                       "de fonction sur 1 400 m² ; seuls les 900 m² tertiaires comptent, donc il n'est pas assujetti "
                       "au décret tertiaire.",
}


DEMO_SITES: list[dict] = [
    {
        "code": "PS-ASN", "name": "Pôle social départemental d'Asnières / Gennevilliers", "kind": "social_hub",
        "status": "open", "address": "4 rue Teddy Riner", "postcode": "92600",
        "commune_code": "92004", "commune_name": "Asnières-sur-Seine",
        "communes_served": "92004 Asnières-sur-Seine\n92036 Gennevilliers",
        "latitude": 48.9256, "longitude": 2.2853, "location_precision": "address",
        "opened_on": date(2023, 5, 16).isoformat(), "opening_hours": "Lundi–vendredi 8h30–17h30",
        "transport_access": "Tram T1, arrêt « Les Courtilles »",
        "services": ["pmi", "sexual_health", "social_action", "ase"],
        "provenance_source": ASNIERES_RELEASE, "provenance_date": "2023-06-06", "illustrative": False,
        "provenance_note": "Coordonnées approximatives (illustratives), placées près de l'arrêt de tram Les Courtilles.",
        "buildings": [{
            "code": "PS-ASN-B1", "name": "Pôle social Asnières / Gennevilliers", "year_built": 2023,
            "gross_floor_area_m2": "1730", "cost_eur": "11320000",
            # Illustrative ERP data: offices (W) and PMI / sexual-health consultations (U); 180 + 96 = 276 -> 4.
            "erp_types": ["W", "U"], "public_capacity": 180, "staff_capacity": 96,
            "provenance_source": ASNIERES_RELEASE, "provenance_date": "2023-06-06", "illustrative": False,
            "provenance_note": ("Publié : 7 niveaux, 2 niveaux ouverts au public (181 et 248 m²), 10 bureaux d'entretien,"
                                " 2 espaces numériques avec 4 PC, 3 espaces de médiation, 4 cabinets médicaux (dont 1"
                                " de santé sexuelle), 96 postes de travail, coût 11,32 M€. Illustratif : le détail des"
                                " locaux, les surfaces des niveaux de bureaux, la surface de plancher, le type et la"
                                " catégorie ERP, les effectifs (public, personnel)."),
            "floors": _asnieres_floors(),
            "published_figures": ASNIERES_PUBLISHED,
        }],
    },
    {
        "code": "PS-CLI", "name": "Pôle social départemental de Clichy / Levallois", "kind": "social_hub",
        "status": "open", "commune_code": "92024", "commune_name": "Clichy",
        "communes_served": "92024 Clichy\n92044 Levallois-Perret",
        "latitude": 48.90414, "longitude": 2.30446, "location_precision": "commune",
        "opened_on": date(2024, 4, 23).isoformat(),
        "services": ["access_to_rights", "digital_help", "rsa_support", "solidarity_desk", "ase", "pmi"],
        "provenance_source": CLICHY_RELEASE, "provenance_date": "2024-04-23", "illustrative": False,
        "provenance_note": "La date d'ouverture est celle de l'inauguration (23 avril 2024). Adresse et coordonnées absentes de la source : placées au centre de la commune.",
        "buildings": [{
            "code": "PS-CLI-B1", "name": "Pôle social Clichy / Levallois", "cost_eur": "17600000",
            "gross_floor_area_m2": "1250",
            # Illustrative ERP data: offices (W) and PMI consultations (U); 150 + 80 = 230 -> category 4.
            "erp_types": ["W", "U"], "public_capacity": 150, "staff_capacity": 80,
            "provenance_source": CLICHY_RELEASE, "provenance_date": "2024-04-23", "illustrative": False,
            "provenance_note": ("Publié : investissement de 17,6 M€, deux espaces multimédias. Illustratif : niveaux,"
                                " locaux, surfaces, type et catégorie ERP, effectifs (public, personnel)."),
            "floors": _clichy_floors(),
            "published_figures": CLICHY_PUBLISHED,
        }],
    },
    {
        "code": "IME-VLG", "name": "Institut médico-éducatif de Villeneuve-la-Garenne", "kind": "ime",
        "status": "in_works", "commune_code": "92078", "commune_name": "Villeneuve-la-Garenne",
        "latitude": 48.93619, "longitude": 2.32793, "location_precision": "commune",
        "services": ["disability", "education"],
        "provenance_source": ASNIERES_RELEASE, "provenance_date": "2023-06-06", "illustrative": True,
        "provenance_note": "Cité dans le programme de travaux 2023 (travaux d'ouverture de l'IME). Services et localisation illustratifs.",
        "buildings": [{"code": "IME-VLG-B1", "name": "IME Villeneuve-la-Garenne", "gross_floor_area_m2": "1800",
                       "activity_category": "medico_social",
                       # Illustrative ERP data: day care and teaching (U, R); U threshold 100 <= 110; 110 + 45 = 155 -> 4.
                       "erp_types": ["U", "R"], "public_capacity": 110, "staff_capacity": 45,
                       "illustrative": True, "provenance_note": ILLUSTRATIVE, "floors": []}],
    },
    {
        "code": "MDA-NAN", "name": "Maison de l'Avenir", "kind": "other", "status": "planned",
        "commune_code": "92050", "commune_name": "Nanterre",
        "latitude": 48.89765, "longitude": 2.20206, "location_precision": "commune",
        "services": ["ase"],
        "provenance_source": ASNIERES_RELEASE, "provenance_date": "2023-06-06", "illustrative": True,
        "provenance_note": "Cité dans le programme de travaux 2023 (études). Services et localisation illustratifs.",
        "buildings": [{"code": "MDA-NAN-B1", "name": "Maison de l'Avenir", "gross_floor_area_m2": "1200",
                       "activity_category": "accommodation", "illustrative": True, "provenance_note": ILLUSTRATIVE,
                       "floors": []},
                      # A site of two buildings (Décret tertiaire: tertiary areas added up over the site).
                      {"code": "MDA-NAN-B2", "name": "Maison de l'Avenir – pavillon administratif",
                       "gross_floor_area_m2": "400", "tertiary_area_m2": "400", "activity_category": "offices",
                       "illustrative": True, "floors": [],
                       "provenance_note": "Exemple illustratif (inventé) d'un site de deux bâtiments : ce pavillon de "
                                          "400 m² n'atteint pas seul 1 000 m², mais le site en totalise 1 600 m² "
                                          "tertiaires, donc il est assujetti au décret tertiaire."}],
    },
    {
        "code": "FOY-RUE", "name": "Foyer de l'aide sociale à l'enfance de Rueil-Malmaison",
        "kind": "child_welfare_home", "status": "planned", "commune_code": "92063", "commune_name": "Rueil-Malmaison",
        "latitude": 48.8725, "longitude": 2.17994, "location_precision": "commune",
        "services": ["ase", "residential_care"],
        "provenance_source": ASNIERES_RELEASE, "provenance_date": "2023-06-06", "illustrative": True,
        "provenance_note": "Cité dans le programme de travaux 2023 (études). Services et localisation illustratifs.",
        "buildings": [{"code": "FOY-RUE-B1", "name": "Foyer ASE Rueil-Malmaison", "gross_floor_area_m2": "1100",
                       "activity_category": "accommodation",
                       # Illustrative ERP data: a home for children, with accommodation (J); 24 >= 20 -> category 4.
                       "erp_types": ["J"], "public_capacity": 24, "staff_capacity": 30, "with_accommodation": True,
                       "illustrative": True, "provenance_note": ILLUSTRATIVE, "floors": []}],
    },
    _hub("PS-ISS", "Pôle social départemental d'Issy-les-Moulineaux", "92040", "Issy-les-Moulineaux", 48.82326,
         2.26261, "in_works", "Cité dans le programme de travaux 2023 (poursuite des travaux). Détails illustratifs."),
    _hub("PS-ANT", "Pôle social départemental d'Antony", "92002", "Antony", 48.75061, 2.29881, "in_works",
         "Cité dans le programme de travaux 2023 (poursuite des travaux). Détails illustratifs."),
    _hub("PS-BAG", "Pôle social départemental de Bagneux", "92007", "Bagneux", 48.79966, 2.30953, "in_works",
         "Cité dans le programme de travaux 2023 (poursuite des travaux). Détails illustratifs."),
    _hub("PS-CHM", "Pôle social départemental de Châtenay-Malabry", "92019", "Châtenay-Malabry", 48.77019, 2.25983,
         "open", "Modernisé en 2016 selon la source. Détails illustratifs.", **MIXED_BUILDING),
    _hub("PS-VLG", "Pôle social départemental de Villeneuve-la-Garenne", "92078", "Villeneuve-la-Garenne", 48.9305,
         2.3232, "open", "Modernisé en 2018 selon la source. Détails illustratifs."),
    _hub("PS-CHT", "Pôle social départemental de Châtillon", "92020", "Châtillon", 48.80306, 2.28772, "open",
         "Modernisé en 2019 selon la source. Détails illustratifs."),
]
