"""A tiny Django project that sends through python-postmark and receives its webhooks."""
