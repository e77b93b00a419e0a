"""DRF's JSON parser, made safe against pathological nesting.

Python's json module recurses once per nesting level; a body of 100,000 `[` characters
raises RecursionError, which DRF does not expect and Django turns into a 500.
"""
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
