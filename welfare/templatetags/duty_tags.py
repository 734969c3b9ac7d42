"""Duties in templates: `{{ duty|meet_page }}`, where a listed duty is met, whatever
its kind. (Home's duties are read by calendars.today, from the calendar.)"""

from django import template

from welfare.duty_pages import duty_meet_page

register = template.Library()
register.filter("meet_page", duty_meet_page)
