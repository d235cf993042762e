"""What each write to the catalogue touches on the public site (cocrea/core/pagecache.py): the
catalogue's pages and, for an application of an entry to a paragraph, that paragraph's document."""

from __future__ import annotations

from cocrea.catalogue.models import Application, Entry
from cocrea.core import pagecache
from cocrea.drafts.models import Paragraph
from cocrea.drafts.scopes import version_scopes


@pagecache.register(Entry)
def _entry(entry: Entry) -> list[str]:
    return [pagecache.CATALOGUE]


@pagecache.register(Application)
def _application(application: Application) -> list[str]:
    version_id = pagecache.column(Paragraph, application.paragraph_id, "version_id")
    return [pagecache.CATALOGUE, *version_scopes(version_id)]
