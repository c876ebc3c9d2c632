"""RepDesk's Tryton module (`repdesk`): what a rep records that Tryton has no model for, and who may see it.

Registered through tryton.cfg (Tryton 8.2 reads the [register] section); discovered through the
``trytond.modules`` entry point declared in central/pyproject.toml.
"""
