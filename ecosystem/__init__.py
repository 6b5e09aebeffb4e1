"""ecosystem: a stakeholder and ecosystem network explorer."""

__version__ = "0.1.0"
