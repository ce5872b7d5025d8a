import json
from pathlib import Path

import pytest

from accounts.choices import Role
from accounts.services import person_ensure, roles_ensure
from tests.factories import CouncilFactory, DirectorateFactory

PASSWORD = "correct horse battery staple"


def _sefton_report_settings() -> dict:
    path = Path(__file__).resolve().parent.parent / "demo" / "fixtures" / "sefton.json"
    return json.loads(path.read_text(encoding="utf-8"))["report_settings"]


SEFTON_REPORT_SETTINGS = _sefton_report_settings()


@pytest.fixture
def council(db):
    """Sefton, with its own front sheet wording from the demo data (as ``load_sefton`` gives
    it). Other councils made in tests keep the neutral model defaults."""
    from demo.council_data import report_settings_load

    sefton = CouncilFactory(short_name="Sefton", name="Sefton Metropolitan Borough Council")
    report_settings_load(council=sefton, data=SEFTON_REPORT_SETTINGS)
    return sefton


@pytest.fixture
def directorate(council):
    return DirectorateFactory(council=council, name="Corporate Resources and Customer Services")


@pytest.fixture
def personas(council, directorate):
    """One signed-up person per role, all in the same council and directorate."""
    roles_ensure()
    return {
        role: person_ensure(
            username=role.name.lower(),
            council=council,
            role=role,
            directorate=directorate,
            first_name=role.label.split()[0],
            last_name="Persona",
            password=PASSWORD,
        )
        for role in Role
    }


@pytest.fixture
def officer(personas):
    return personas[Role.OFFICER]


@pytest.fixture
def cabinet_member(personas):
    return personas[Role.CABINET]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a cached plan from another test's (rolled back)
    database must never answer for this one's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
