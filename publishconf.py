"""Pelican settings for publishing: absolute links under the public address."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # pelicanconf.py beside it
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("OCOP_SITEURL", "https://ocop-register.github.io")
RELATIVE_URLS = False
