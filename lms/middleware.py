from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Swedish unless the person chose otherwise with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, and many
    Swedish volunteers have English-language phones; the site's language is Swedish by
    default and English is one click away (the choice is kept in the language cookie).
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
