from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def edit_token(obj, fields):
    """The edit token of `obj` for the comma-separated `fields`: {{ action|edit_token:"text,owner_organisations" }}."""
    return obj.edit_token([name.strip() for name in fields.split(",") if name.strip()])


@register.simple_tag
def owner_options(organisations, people, form=None):
    """The options of an action form's owners select: organisations, then people.

    Built in Python: the drafting page has one such select per item, each listing
    every owner, and a template loop per option was most of the page's time.
    """
    selected = getattr(form, "selected_owners", None) or set()

    def option(value, label):
        return f'<option value="{value}"{" selected" if value in selected else ""}>{escape(label)}</option>'

    organisation_options = "".join(option(f"org-{o.pk}", o.name) for o in organisations)
    person_options = "".join(
        option(f"person-{p.pk}", f"{p.name} ({p.organisation.name})" if p.organisation else p.name)
        for p in people
    )
    return mark_safe(
        f'<optgroup label="Organisations">{organisation_options}</optgroup>'
        f'<optgroup label="People">{person_options}</optgroup>'
    )
