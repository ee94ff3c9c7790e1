"""Build-time code: read `policy_source/`, validate it and render the site.

Nothing here is shipped to the browser; the wizard engine lives in `wizard/`.
"""
