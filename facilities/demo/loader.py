"""Load the demo portfolio through the same rules and services as every other input; idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from facilities.auth import services as auth_services
from facilities.demo.data import DEMO_SITES, DEMO_USERS
from facilities.energy import demo as energy_demo
from facilities.energy import retrofit_demo
from facilities.extensions import db
from facilities.inventory import rules, services
from facilities.inventory.models import Building, Floor, Site, Space
from facilities.maps import demo as maps_demo
from facilities.plans import demo as plans_demo
from facilities.renewal import demo as renewal_demo
from facilities.requests import demo as requests_demo
from facilities.safety import demo as safety_demo
from facilities.safety import reference as safety_reference
from facilities.works import demo as works_demo


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=lambda: {"sites": 0, "buildings": 0, "floors": 0, "spaces": 0,
                                                              "users": 0})

    def count(self, kind: str) -> None:
        self.created[kind] += 1


def _strip(record: dict, *children: str) -> dict:
    return {key: value for key, value in record.items() if key not in children}


def load_demo(with_users: bool) -> LoadReport:
    """Create what is missing of the demo portfolio and update what differs; a second run changes nothing."""
    report = LoadReport()
    safety_reference.ensure_seeded()  # the thresholds the demo buildings' ERP categories are derived from
    for site_record in DEMO_SITES:
        values = rules.clean_site(_strip(site_record, "buildings"))
        site = db.session.execute(select(Site).where(Site.code == values["code"])).scalar_one_or_none()
        if site is None:
            site = services.create_site(values)
            report.count("sites")
        else:
            services.update_site(site, values)
        for building_record in site_record.get("buildings", []):
            _load_building(site, building_record, report)
    db.session.flush()
    # Each area adds its illustrative demo records on top of the inventory.
    energy_demo.load_demo()
    works_demo.load_demo()
    safety_demo.load_demo()
    renewal_demo.load_demo()
    retrofit_demo.load_demo()
    maps_demo.load_demo()
    plans_demo.load_demo()
    if with_users:
        for user in DEMO_USERS:
            if auth_services.find_user(user["email"]) is None:
                auth_services.create_user(user["email"], user["role"], user["password"])
                report.count("users")
    requests_demo.load_demo()  # after the accounts: the demo requester raised some of them
    db.session.flush()
    return report


def _load_building(site: Site, record: dict, report: LoadReport) -> None:
    values = rules.clean_building(_strip(record, "floors", "published_figures"))
    building = db.session.execute(select(Building).where(Building.code == values["code"])).scalar_one_or_none()
    if building is None:
        building = services.create_building(site, values)
        report.count("buildings")
    else:
        services.update_building(building, values)
    for figure_record in record.get("published_figures", []):
        figure_values = rules.clean_published_figure(figure_record)
        found = next((row for row in building.published_figures if row.figure == figure_values["figure"]), None)
        if found is None:
            services.create_published_figure(building, figure_values)
        else:
            services.update_published_figure(found, figure_values)
    for floor_record in record.get("floors", []):
        floor_values = rules.clean_floor(_strip(floor_record, "spaces"))
        floor = db.session.execute(
            select(Floor).where(Floor.building_id == building.id, Floor.level == floor_values["level"])
        ).scalar_one_or_none()
        if floor is None:
            floor = services.create_floor(building, floor_values)
            report.count("floors")
        else:
            services.update_floor(floor, floor_values)
        for space_record in floor_record.get("spaces", []):
            space_values = rules.clean_space(space_record)
            space = db.session.execute(
                select(Space).where(Space.floor_id == floor.id, Space.code == space_values["code"])
            ).scalar_one_or_none()
            if space is None:
                services.create_space(floor, space_values)
                report.count("spaces")
            else:
                services.update_space(space, space_values)
