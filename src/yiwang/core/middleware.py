"""Language choice: Chinese unless the person chose English with the switch.

Django's LocaleMiddleware follows the browser's Accept-Language. For the portal and workbench we
want Simplified Chinese by default whatever the browser says (a government site in Pudong), and
English only when someone picks it (the language cookie set by /i18n/setlang/). The JSON API keeps
standard content negotiation: machines ask with Accept-Language.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
