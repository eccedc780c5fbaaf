"""The one version string of the package (read by setup.py and the User-Agent)."""

__version__ = "1.0.0.dev0"
