"""Forms of the calendar workbench. They only shape input; the rules are the services'."""

from __future__ import annotations

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from .services import MAX_IMPORT_BYTES, MAX_LIMIT_DAYS, MAX_YEAR, MIN_YEAR


class CalendarImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    source = forms.CharField(
        label=_("Source"), max_length=200,
        help_text=_("The notice the schedule was published in, e.g. 国办发明电〔YYYY〕N号."),
    )
    file = forms.FileField(
        label=_("Schedule file (CSV or JSON)"),
        validators=[FileExtensionValidator(["csv", "json"])],
        help_text=_("CSV with the header “date,kind,name”, one line per holiday or make-up working day; "
                    "kind is “holiday” or “workday”. Ordinary weekdays and weekends are not listed."),
    )
    replace = forms.BooleanField(label=_("Replace the year if it is already loaded"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than %(kb)d KB."),
                                        params={"kb": MAX_IMPORT_BYTES // 1024})
        return upload


class DeadlineForm(forms.Form):
    start = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("The day the time limit starts, e.g. the day of acceptance."))
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=MAX_LIMIT_DAYS)
