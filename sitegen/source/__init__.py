"""Reading and checking policy_source/.

The policy text, the YAML sources, the rules, the situations, the published names, the interview
limits, clause reviews and change notes. `sources.load_sources` reads everything at once and reports
every problem with file, line and fix. Depends on nothing else in sitegen.
"""
