"""Steps that finish the built site, after MkDocs has written it.

Search entries per clause and the site's own ranking (`search_index`, with `search_ranking.cjs`),
the theme's markup fixes, no CDN fallbacks, script integrity and the Content-Security-Policy, and
the README's screenshots. Reads `source` and `engine_assets`.
"""
