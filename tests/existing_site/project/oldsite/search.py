from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page


def search(request):
    query = request.GET.get("query", "")
    results = Page.objects.live().search(query) if query else Page.objects.none()
    paginator = Paginator(results, 10)
    try:
        results = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        results = paginator.page(1)
    except EmptyPage:
        results = paginator.page(paginator.num_pages)
    return TemplateResponse(request, "search.html", {"search_query": query, "search_results": results})
