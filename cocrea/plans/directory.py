"""The organisation directory the importer matches names against.

It is reference data (``plans/data/organizations.csv``: Guatemalan public institutions,
international cooperation, universities and civil society), plus every organisation already in
the database, so that names staff have entered are recognised too.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from cocrea.computations.orgnames import Directory, OrgRef
from cocrea.plans.models import Organization


@lru_cache(maxsize=4)
def _reference(path: str) -> tuple[OrgRef, ...]:
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return tuple(
            OrgRef(
                name=row["name"].strip(),
                acronym=row["acronym"].strip(),
                kind=row["kind"].strip(),
                country=row["country"].strip(),
                aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
            )
            for row in csv.DictReader(handle)
            if row["name"].strip()
        )


def load_directory() -> Directory:

    directory = Directory()
    for org in Organization.objects.only("name", "acronym", "kind", "country"):
        directory.add(OrgRef(org.name, org.acronym, org.kind, org.country))
    for ref in _reference(str(settings.ORGANIZATION_DIRECTORY)):
        directory.add(ref)
    return directory
