"""Reading a page's forms as a browser would submit them, for tests that speak HTTP to real
processes (no Django test client to hand them the form)."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields of one form on a page as a browser submits them (no button pressed): the
    form with id `form_id`, or the one whose action is `action`."""

    def __init__(self, *, form_id: str | None = None, action: str | None = None):
        super().__init__()
        self.form_id, self.action = form_id, action
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._select = None
        self._textarea = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = (self.form_id is not None and attrs.get("id") == self.form_id) or (
                self.action is not None and attrs.get("action") == self.action
            )
        name = attrs.get("name")
        if not self._inside:
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = True
            self.fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = False
            name, value = self.fields[-1]
            self.fields[-1] = (name, value.removeprefix("\n"))  # as browsers read it
