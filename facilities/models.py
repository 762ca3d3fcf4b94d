"""Every model of every area, imported once so that metadata (create_all, Alembic) sees them all."""

from facilities.audit.models import AuditEntry  # noqa: F401
from facilities.auth.models import ApiToken, LoginFailure, User  # noqa: F401
from facilities.energy import models as energy_models  # noqa: F401
from facilities.inventory.models import Building, Floor, Site, SiteService, Space  # noqa: F401
from facilities.jobs import models as jobs_models  # noqa: F401
from facilities.maps import models as maps_models  # noqa: F401
from facilities.works import models as works_models  # noqa: F401
