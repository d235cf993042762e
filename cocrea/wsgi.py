import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings")

from cocrea.core.pagecache import CachedPagesFirst

# Stored public pages are answered in front of Django's request handling (README "Cache").
application = CachedPagesFirst(get_wsgi_application())
