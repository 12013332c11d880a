"""What the units receive: the blank report (:mod:`~briefing.forms.blank`) and the report's
JSON Schema (:mod:`~briefing.forms.schema`), both derived from the report model."""
