"""The forms of the case pages. They parse what a person typed; the services decide
whether it is allowed and valid, and their errors come back onto these fields."""

from cases.forms.case import (
    CaseChangeForm,
    CaseCloseForm,
    CaseForm,
    CaseListPageFilter,
    CaseReasonForm,
    TransferAcceptForm,
    TransferRequestForm,
)
from cases.forms.fields import (
    DATE_HINT,
    DATE_INPUT_FORMATS,
    TIME_HINT,
    Checkboxes,
    Radios,
    TimeField,
    UKDateField,
)
from cases.forms.people import NewPersonPartForm, PartForm, PersonSearchForm
from cases.forms.records import ContactForm, DecisionForm, OffenceForm

__all__ = [
    "DATE_HINT",
    "DATE_INPUT_FORMATS",
    "TIME_HINT",
    "CaseChangeForm",
    "CaseCloseForm",
    "CaseForm",
    "CaseListPageFilter",
    "CaseReasonForm",
    "Checkboxes",
    "ContactForm",
    "DecisionForm",
    "NewPersonPartForm",
    "OffenceForm",
    "PartForm",
    "PersonSearchForm",
    "Radios",
    "TimeField",
    "TransferAcceptForm",
    "TransferRequestForm",
    "UKDateField",
]
