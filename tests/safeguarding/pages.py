"""Reading what a page says: the links of its GOV.UK error summary."""

import re
from html import unescape

_SUMMARY_LINK = re.compile(r'<li><a href="#([^"]+)">([^<]*)</a></li>')


def error_summary(response) -> list[tuple[str, str]]:
    """Each error in the page's error summary as (the id it links to, the message);
    empty when the page has no error summary."""
    html = response.content.decode()
    start = html.find('class="govuk-error-summary"')
    if start == -1:
        return []
    body = html[start : html.index("</ul>", start)]
    return [(target, unescape(message)) for target, message in _SUMMARY_LINK.findall(body)]
