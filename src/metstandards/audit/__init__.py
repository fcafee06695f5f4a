"""``metstandards audit``: every repository of an organisation against the standard, in one report.

A platform team rolling the WG3 standards out to 50 to 2,000 repositories, and a WG3 lead
comparing services, need the view across repositories that ``check`` cannot give: which
repositories run the standard in their hooks and CI, which have tests, documents and release
automation, and how their code fares. Each repository gets the repository checks (MS6xx),
the code-level parts of ``check`` that the profile's ``[audit]`` table enables, and a score
per standard family with the reason for every point lost.

:mod:`.sources` and :mod:`.clone` find and fetch the repositories, :mod:`.runner` audits them
in parallel, :mod:`.scoring` scores them, :mod:`.document` is the JSON report (the input of
``merge`` and of trends), and the other modules render it.
"""
