"""Settings, URLs and WSGI: the project's wiring.

Owns: split settings (base, dev, test, production) read from the environment through env.py helpers
that fail loudly; the URL map; the WSGI entry point; the 400/500 handlers.
May import: any app (it wires them together); no app may import config except through
django.conf.settings.
"""
