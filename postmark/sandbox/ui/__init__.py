"""The web inbox: HTML pages at the sandbox's root URL (:mod:`.inbox`)."""
