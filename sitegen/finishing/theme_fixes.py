"""Small fixes to mkdocs-material's markup that the validators (W3C Nu checker, pa11y, axe) ask for.

Made after each page is rendered, so the theme's templates stay untouched. Each fix names the exact
markup it expects: when a theme upgrade changes that markup, the build fails here and says which
fix to review, rather than the fix silently stopping.
"""

from __future__ import annotations

import re

# (what it fixes, the theme's markup, the fixed markup, whether every page must have it)
FIXES = (
    ("the search dialog has no accessible name (axe: aria-dialog-name)",
     '<div class="md-search" data-md-component="search" role="dialog">',
     '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search the site">', True),
    ("the search form has no submit button (pa11y, HTML_CodeSniffer H32.2)",
     '<form class="md-search__form" name="search">',
     '<form class="md-search__form" name="search"><button type="submit" class="visually-hidden" tabindex="-1">'
     'Search</button>', True),
    ("the palette toggle's form has no submit button (pa11y, HTML_CodeSniffer H32.2)",
     '<form class="md-header__option" data-md-component="palette">',
     '<form class="md-header__option" data-md-component="palette"><button type="submit" class="visually-hidden" '
     'tabindex="-1">Apply</button>', True),
    ("the table of contents' toggle has no label of its own (pa11y, HTML_CodeSniffer F68)",
     '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">',
     '<input class="md-nav__toggle md-toggle" type="checkbox" id="__toc" aria-label="Table of contents">', False),
)
EMPTY_TABINDEX = re.compile(r'(<label\b[^>]*?) tabindex=""')  # navigation.sections' labels (Nu checker)
# The theme's script, at the end of <body>, blocks the first paint while it downloads (Lighthouse:
# "render-blocking"); deferred, it runs at the same point of the page's life, in the same order as
# the site's scripts after it (mkdocs.yml defers those too).
THEME_SCRIPT = re.compile(r'(<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js")>')


class ThemeChangedError(ValueError):
    """The theme's markup is not what a fix expects: review sitegen/finishing/theme_fixes.py after an upgrade."""


def fix_page(html: str) -> str:
    for what, theme, fixed, everywhere in FIXES:
        if theme in html:
            html = html.replace(theme, fixed)
        elif everywhere:
            raise ThemeChangedError(f"mkdocs-material's markup changed; review the fix for: {what}")
    html, deferred = THEME_SCRIPT.subn(r"\1 defer>", html)
    if deferred != 1:
        raise ThemeChangedError("mkdocs-material's markup changed; review the fix that defers the theme's script "
                                "(THEME_SCRIPT)")
    return EMPTY_TABINDEX.sub(r"\1", html)
