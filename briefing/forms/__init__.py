"""What the units receive, generated from the bureau's config: blank report, schema, fill-in form, guide.

- :mod:`~briefing.forms.blank`, :mod:`~briefing.forms.schema`: both derived from the report model
- :mod:`~briefing.forms.fielddocs`: the report's fields as a unit sees them, with the bureau's examples
- :mod:`~briefing.forms.form`: the self-contained HTML fill-in page (its scripts in ``form_assets/``),
  :mod:`~briefing.forms.rules`: ``validate``'s messages and limits, collected for that page
- :mod:`~briefing.forms.guide`: the units' guide, rendered as Markdown and Word
"""
