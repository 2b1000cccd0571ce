"""The one error the reader raises: the message is shown to the member as is."""


class ReportError(ValueError):
    """The upload is not a MetaTrader report the reader can read (and why)."""
