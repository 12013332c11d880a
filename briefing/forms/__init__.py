"""What the units receive: a blank report, the report's JSON Schema (later the counties' form).

- :mod:`~briefing.forms.blank`, :mod:`~briefing.forms.schema`: both derived from the report model
"""
