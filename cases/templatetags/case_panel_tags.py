from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_panel(context, panel):
    """Render a panel another app added to the case page, with its own context on
    top of the page's (so it sees `member`, `request` and the CSRF token)."""
    with context.push(**panel.context):
        return context.template.engine.get_template(panel.template).render(context)
