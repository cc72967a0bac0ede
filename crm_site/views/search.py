from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from crm_site import search as global_search


@login_required
def search(request):
    query = request.GET.get("q", "")[:100]
    results = global_search.search(request.user, query)
    template = "crm_site/search.html#search-results" if request.htmx else "crm_site/search.html"
    return render(
        request,
        template,
        {"q": query, "results": results, "too_short": bool(query.strip()) and global_search.too_short(query)},
    )
