"""Pelican settings for the OCOP register (development: relative links)."""

import os

from jinja2 import StrictUndefined

AUTHOR = "Sổ đăng ký OCOP mở"
SITENAME = "Sổ đăng ký sản phẩm OCOP"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
RELATIVE_URLS = True
# The published address, for what must be absolute even in a local build: canonical links, Open Graph,
# JSON-LD, the Atom feed, the data package, the API description and the QR codes on product labels.
PUBLIC_SITEURL = os.environ.get("OCOP_SITEURL", "https://ocop-register.github.io")

# Every page comes from the register plugin; Pelican's own blog machinery is switched off.
PLUGINS = ["ocop.pelican_plugin"]
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
DIRECT_TEMPLATES = []
PAGE_TRANSLATION_ID = None
ARTICLE_TRANSLATION_ID = None
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
# Our plugin writes incrementally and removes what a previous build wrote and this one does not.
DELETE_OUTPUT_DIRECTORY = False

# A typo in a template fails the build instead of rendering nothing.
JINJA_ENVIRONMENT = {"undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# Pelican's reStructuredText reader warns that docutils has no Vietnamese; we use no .rst files.
import logging  # noqa: E402

LOG_FILTER = [(logging.WARN, "Docutils has no localization for '%s'. Using 'en' instead.")]
