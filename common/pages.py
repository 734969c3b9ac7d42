"""Building blocks for server-rendered pages: who may open a page, and how a
service's validation error reaches the form's fields."""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from agencies.access import can
from common.errors import NotFound, ValidationError


def signed_in_required(view):
    """Only a session that passed both factors; others go to sign-in and come back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_verified()):
            return redirect(f"{reverse('sign-in')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapper


def capability_required(action: str):
    """A page the role may not use is answered as if it did not exist."""

    def decorator(view):
        @wraps(view)
        @signed_in_required
        def wrapper(request, *args, **kwargs):
            if not can(request.user, action):
                raise Http404()
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404() from exc

        return wrapper

    return decorator


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field when the form
    has it, else at the top of the error summary."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
