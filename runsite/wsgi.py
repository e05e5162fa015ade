import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runsite.settings.prod")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, the settings) lives as long as the process: moved out
# of the collector's sight, so that its full collections stop walking it again and again (a
# full collection walked some 140,000 of these objects; see README, Profiling).
gc.freeze()
