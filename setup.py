"""Packaging for python-postmark; static settings live in pyproject.toml."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'__version__ = "([^"]+)"', (HERE / "postmark" / "_version.py").read_text()
).group(1)

TEST_DEPS = [
    "pytest>=7",
    "responses>=0.23",
    "pytest-django>=4.5",
    "hypothesis>=6",
    "pyyaml>=6",  # reads Postmark's spec files for the sandbox fuzz test
    # The Django backend's side-by-side tests send the same messages through anymail.
    "django-anymail>=13",
    # Drives Debian's chromium-driver (/usr/bin/chromedriver) for the web-inbox browser tests.
    "selenium>=4.11",
]
LINT_DEPS = ["ruff>=0.5", "mypy>=1.8", "types-requests"]
# Optional: batch bodies encoded by orjson (same bytes as json; postmark/fastjson.py).
FAST_DEPS = ["orjson>=3.9"]
DOCS_DEPS = ["sphinx>=7.2", "furo>=2024.1", "myst-parser>=3"]

setup(
    name="python-postmark",
    version=VERSION,
    description="Python library for the Postmark transactional email API: "
    "drop-in PMMail, full API client, Django backend, Tornado mixin, local sandbox.",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    url="https://github.com/themartorana/python-postmark",
    packages=find_packages(include=["postmark", "postmark.*"]),
    package_data={"postmark": ["py.typed", "sandbox/ui/static/*.js", "sandbox/ui/static/*.css"]},
    python_requires=">=3.10",
    install_requires=["requests>=2.28"],
    extras_require={
        "django": ["django>=4.2"],
        "tornado": ["tornado>=6.2"],
        "fast": FAST_DEPS,
        # orjson in dev so CI runs tests/properties/test_fast_json.py with both encoders.
        "dev": TEST_DEPS + LINT_DEPS + DOCS_DEPS + FAST_DEPS + ["django>=4.2", "tornado>=6.2"],
        "docs": DOCS_DEPS + ["django>=4.2", "tornado>=6.2"],
    },
    entry_points={
        "console_scripts": ["postmark = postmark.cli:main"],
        "pytest11": ["postmark = postmark.testing"],
    },
    classifiers=[
        "Development Status :: 5 - Production/Stable",
        "Framework :: Django",
        "Intended Audience :: Developers",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Topic :: Communications :: Email",
        "Typing :: Typed",
    ],
)
