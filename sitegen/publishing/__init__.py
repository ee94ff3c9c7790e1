"""The policy's history in git, and what a change does to the wizard's answers.

The "What changed" page (`history`) and `build.py impact` (`impact`), both reading earlier versions
of policy_source/ from git (`git_sources`). Reads `source`.
"""
